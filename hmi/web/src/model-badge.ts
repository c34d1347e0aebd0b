// The model's standing in the banner (shadow runs with a model gate, issue 20): "model not
// validated" (marked) with a link to the last validation report while the running model version
// is not signed off — deviations are then advisories, listed apart and not annunciated — or
// "model <version> signed off" once it is. Engineers get a Sign off button: a confirmation,
// then POST /api/model/sign-off (audited; the server signs off the running files with the last
// report). Rendered from the status frames (RunStatus.model), so a sign-off anywhere shows here.

import type { RunStatus } from '../../../core/engine/run-control.ts';
import { apiRequest } from './api-request.ts';
import { confirmAction } from './confirm-dialog.ts';
import { h, setText } from './element.ts';
import { may, type PageSession } from './session.ts';

export class ModelBadge {
  readonly root: HTMLElement;
  readonly #text = h('span', { class: 'model-state', 'data-testid': 'banner-model' });
  readonly #report = h('a', { href: '/api/model/report', target: '_blank', rel: 'noopener', 'data-testid': 'banner-model-report' }, 'last report');
  readonly #signOff: HTMLButtonElement | undefined;
  #last: RunStatus['model'] | undefined;

  constructor(session: PageSession) {
    this.#signOff = may(session, 'engineer') ? h('button', { type: 'button', 'data-testid': 'model-sign-off' }, 'Sign off') : undefined;
    this.root = h('span', { class: 'field model-field' }, h('span', { class: 'label' }, 'model'), this.#text, this.#report, ...(this.#signOff ? [this.#signOff] : []));
    this.root.hidden = true;
    this.#signOff?.addEventListener('click', () => void this.#confirmSignOff());
  }

  render(status: RunStatus | undefined): void {
    const m = status?.model;
    if (m === this.#last) return;
    this.#last = m;
    this.root.hidden = m === undefined;
    if (m === undefined) return;
    setText(this.#text, m.signedOff ? `${m.short} signed off` : 'model not validated');
    this.#text.dataset['signed'] = String(m.signedOff);
    const title = m.signedOff ? `version ${m.version}, signed off by ${m.signedOffBy ?? '?'} at ${m.signedOffAt ?? '?'}: deviations raise alarms` : `version ${m.version}: ${m.advisoryReason ?? ''}. Deviations are advisories until an engineer signs this version off.`;
    if (this.#text.title !== title) this.#text.title = title;
    this.#report.hidden = m.report === null;
    if (this.#signOff) this.#signOff.hidden = m.signedOff || m.report === null;
  }

  async #confirmSignOff(): Promise<void> {
    const m = this.#last;
    if (m === undefined || this.#signOff === undefined) return;
    const ok = await confirmAction({
      title: 'Sign off this model version',
      facts: [
        ['version', m.short],
        ['last report verdict', m.verdict ?? '—'],
        ['changed since last sign-off', m.changed.join(', ') || '—'],
      ],
      note: 'Deviations of this shadow run will raise alarms instead of advisories. Your name, the time and the report verdicts go to the audit log.',
      ok: 'Sign off',
    });
    if (!ok) return;
    this.#signOff.disabled = true;
    try {
      await apiRequest('POST', '/api/model/sign-off', { confirm: true });
    } catch (err) {
      this.#signOff.title = (err as Error).message;
    } finally {
      this.#signOff.disabled = false;
    }
  }
}
