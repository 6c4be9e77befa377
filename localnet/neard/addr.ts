// Socket addresses as nearcore writes them: "0.0.0.0:24567", "[::]:3030".

export interface SocketAddr {
  host: string;
  port: number;
}

export function parseSocketAddr(text: string): SocketAddr {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Error(`invalid socket address '${text}' (expected host:port)`);
  return { host: m[1] ?? m[2] ?? '', port };
}

export interface BootNode {
  publicKey: string;
  addr: SocketAddr;
}

/** `ed25519:<pk>@host:port,...` as accepted by `--boot-nodes` and `network.boot_nodes`. */
export function parseBootNodes(list: string): BootNode[] {
  if (list.trim() === '') return [];
  return list.split(',').map((chunk) => {
    const at = chunk.indexOf('@');
    const key = chunk.slice(0, at);
    if (at < 0 || !/^ed25519:[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(key)) {
      throw new Error(`Failed to parse PeerInfo '${chunk}' (expected ed25519:<public key>@host:port)`);
    }
    return { publicKey: key, addr: parseSocketAddr(chunk.slice(at + 1)) };
  });
}
