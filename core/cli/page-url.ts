// The HMI address the start command prints for a person to open in a browser.

/**
 * The address to print for a browser. A wildcard listen address (0.0.0.0, ::, as in a container)
 * is no address a browser can open: print loopback instead, which is also where a container's
 * published port is reached (compose.yaml publishes on the host's 127.0.0.1).
 */
export function browsableUrl(url: string, host: string): string {
  if (host !== '0.0.0.0' && host !== '::' && host !== '[::]') return url;
  return url.replace(/^(\w+:\/\/)(\[::\]|0\.0\.0\.0)/, host === '0.0.0.0' ? '$1127.0.0.1' : '$1[::1]');
}
