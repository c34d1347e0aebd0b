// The error registry: every error twinloop raises is a TwinloopError with a stable code.
// Codes are never reused; the original error is kept as `cause` (fastify's lib/errors.js pattern).

export const ErrorCodes = {
  CFG_INVALID: 'a configuration file failed schema or reference validation',
  CFG_READ: 'a configuration file could not be read or parsed',
  SIG_UNKNOWN: 'a signal name is not in the catalog',
  SIG_DUPLICATE: 'two signals have the same name',
  SIG_TYPE: 'a value does not fit the signal type',
  MODEL_BUILD: 'the physics model could not be built from the line file',
  KERNEL_SOURCE: 'a physics step kernel is not a plain function with simple parameters, so it cannot be compiled per model',
  WORKER_FAILED: 'the physics worker exited or threw',
  RUN_BAD_REQUEST: 'a run control request was malformed',
  PLC_NOT_CONNECTED: 'the controller is not connected',
  PLC_TAG_UNKNOWN: 'a tag address is unknown to the controller',
  PLC_TAG_TYPE: 'a tag has a different type in the controller',
  PLC_BATCH: 'a batch was used with a different adapter or after close',
  PLC_READ_ONLY: 'a write was attempted through a read-only (shadow mode) controller coupling',
  PLC_WRITE_FAILED: 'a write to the controller failed; it is reported, never replayed',
  PLC_PROTOCOL_EXCEPTION: 'the controller answered a request with a protocol exception (a Modbus exception code: illegal function, data value, device busy ...)',
  PLC_CERT_UNTRUSTED: 'the controller presented a certificate that is not in the trust folder',
  PLC_CERT_REFUSED: "the controller refused twinloop's certificate: the controller must trust it",
  PLC_LIMIT: 'the controller refused a request as too big for one of its operation limits',
  TICK_OVERRUN: 'the physics tick fell behind its deadline grid beyond the catch-up cap',
  RING_FULL: 'the command ring to the physics worker is full',
  WS_BAD_MESSAGE: 'a WebSocket client message was malformed',
  WS_RATE_LIMIT: 'a WebSocket client sent messages faster than its allowance',
  WS_TOO_MANY_CLIENTS: 'the HMI server refused a WebSocket client over its connection cap',
  WS_UNSUPPORTED: 'a WebSocket client asked for something this server does not serve yet',
  HMI_BAD_REQUEST: 'an HMI REST request had a malformed body, query or content type',
  HMI_NOT_FOUND: 'an HMI REST route or file does not exist',
  HMI_INTERNAL: 'the HMI server failed while serving a request',
  HMI_WEB_BUILD: 'the HMI web page could not be built',
  HMI_PLATFORM: 'the HMI server needs a little-endian host for its binary frames',
  AUTH_REQUIRED: 'the request needs a logged-in user (no, expired or unknown session)',
  AUTH_FORBIDDEN: "the user's role may not do this",
  AUTH_BAD_CREDENTIALS: 'a login failed: unknown user or wrong password',
  AUTH_RATE_LIMIT: 'too many failed logins from this address or for this user; wait and retry',
  AUTH_SETUP: 'the one-time setup token is wrong, used, or users exist already',
  USER_EXISTS: 'a user with this name exists already',
  USER_UNKNOWN: 'no user with this name',
  USER_INVALID: 'a user name, role or password does not meet the rules',
  AUDIT_UNAVAILABLE: 'the audit log cannot be written; privileged actions are refused until it can',
  HMI_CONFIRM_REQUIRED: 'a privileged action was sent without its explicit confirmation',
  HMI_UNSUPPORTED: 'the run does not implement this action (yet)',
  RUN_MODE_READONLY: 'the run is in a mode that must not write (shadow, replay)',
  FAULT_INVALID: 'a fault names an unknown signal or component, or a kind that does not apply to it',
  FAULT_UNKNOWN: 'no active fault has this id',
  FAULT_TABLE_FULL: 'the model holds as many faults as its preallocated table allows',
  SNAPSHOT_INVALID: 'a model snapshot is malformed or was taken of another line',
  SNAPSHOT_UNSUPPORTED: 'the run cannot be snapshotted with its controller (a network PLC, or a built-in program that cannot save its state)',
  REC_WRITE: 'a recording could not be created or written (disk full, permissions); the run goes on',
  REC_NOT_FOUND: 'no recording with this id, or it has no readable segment',
  REC_CORRUPT: 'a recording segment has a bad header or a block failed its length or CRC check',
  REC_QUERY: 'a recording query had a bad time range, signal name or option',
  TRACE_INVALID: 'a scenario or sweep trace file is malformed',
  RESULT_INVALID: 'a scenario or sweep result directory is missing or malformed',
  ALARM_UNKNOWN: 'no alarm has this id',
  ALARM_STATE: 'the alarm is in a state that does not allow this action (e.g. acknowledging an acknowledged alarm)',
  ALARM_INVALID: 'an alarm action or alarm option is malformed (empty note, shelve duration out of range)',
  ST_COMPILE: 'a Structured Text program (or its PLCopen XML / TwinCAT import) does not compile; the message lists every error as file:line:col',
  ST_TEST: 'an ST unit test file is malformed (no TEST_ program, a {uses} file that does not exist)',
  AUTH_BUSY: 'too many logins are being checked at once; the login was refused without checking its password',
  ALARM_JOURNAL: 'the alarm journal cannot be opened or written; operator actions are refused until it can',
  SPB_STORE: 'the Sparkplug store-and-forward folder cannot be opened or written',
  OPCUA_SERVER_START: "the twin's OPC UA server could not start (port taken, PKI folder not writable)",
  HIST_FORMAT: 'a history file (historian CSV export) is malformed; the message gives file:line:column and what was expected',
  VALIDATION_INPUT: 'model validation cannot run on this history: no model input or compared signal is covered, or the time window is empty',
  QUEUE_URL: 'a --queue address is not a redis://host:port[/db] URL',
  QUEUE_CONTENT: "a queued job's file content is missing from Redis or does not match its sha256",
  QUEUE_VERSION: 'a queue worker refused a job made by another twinloop or Node version (its results would not be identical)',
  QUEUE_JOB_FAILED: 'a queued sweep point, scenario or plan run failed on every attempt; its last error is reported',
  MODEL_FILE: 'a file of a model version (line, plant, overlay, validation report) cannot be read',
  MODEL_REPORT: 'a validation report given for a sign-off is not JSON or has no overall verdict',
  MODEL_SIGNOFF: 'the model sign-off store cannot be read or written',
  CALIBRATION_FAILED: 'a calibration could not run (no history in the training window, every evaluation failed)',
  PLAN_NO_WORKING_TIME: "a production plan's work does not fit in its shift calendar (no working time left within the calendar's look-ahead)",
  PLAN_LINE_MISMATCH: "a production plan run on the virtual line (--on-line) needs a line with an order source feeding the plan's first station and a machine for every plan station",
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class TwinloopError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TwinloopError';
    this.code = code;
  }
}

/** Is this string one of the registry's codes (e.g. a code that crossed a thread as text)? */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ErrorCodes, code);
}

/** Narrowing helper for catch blocks: is this one of ours, optionally with this code? */
export function isTwinloopError(err: unknown, code?: ErrorCode): err is TwinloopError {
  return err instanceof TwinloopError && (code === undefined || err.code === code);
}
