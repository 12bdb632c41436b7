/**
 * A minimal Language Server Protocol client over stdio for the real yaml-language-server (the
 * server of the VS Code YAML extension and of most editors' YAML support), as an editor drives it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';

interface Message {
  readonly id?: number;
  readonly method?: string;
  readonly params?: unknown;
  readonly result?: unknown;
  readonly error?: unknown;
}

export interface Diagnostic {
  readonly range: { readonly start: { readonly line: number; readonly character: number } };
  readonly message: string;
}

/** The settings an editor sends: validation, hover and completion on; no schema catalog download. */
const SETTINGS = { validate: true, hover: true, completion: true, schemaStore: { enable: false }, format: { enable: false } };

export class YamlLanguageServer {
  private readonly server: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private next = 0;
  private readonly pending = new Map<number, (m: Message) => void>();
  private readonly diagnostics = new Map<string, { version: number | undefined; items: Diagnostic[] }>();
  private readonly waiting: (() => void)[] = [];
  private version = 0;

  constructor() {
    const bin = createRequire(import.meta.url).resolve('yaml-language-server/bin/yaml-language-server');
    this.server = spawn(process.execPath, [bin, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.server.stdout.on('data', (chunk: Buffer) => {
      this.receive(chunk);
    });
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const head = this.buffer.indexOf('\r\n\r\n');
      if (head < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, head).toString('ascii'))?.[1]);
      if (this.buffer.length < head + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(head + 4, head + 4 + length).toString('utf8')) as Message;
      this.buffer = this.buffer.subarray(head + 4 + length);
      this.dispatch(message);
    }
  }

  private dispatch(m: Message): void {
    if (m.method === undefined && m.id !== undefined) {
      this.pending.get(m.id)?.(m);
      this.pending.delete(m.id);
    } else if (m.method !== undefined && m.id !== undefined) {
      // A request from the server: its configuration, or anything else answered with nothing.
      const items = (m.params as { items?: unknown[] } | undefined)?.items ?? [];
      this.send({ id: m.id, result: m.method === 'workspace/configuration' ? items.map(() => SETTINGS) : null });
    } else if (m.method === 'textDocument/publishDiagnostics') {
      const p = m.params as { uri: string; version?: number; diagnostics: Diagnostic[] };
      this.diagnostics.set(p.uri, { version: p.version, items: p.diagnostics });
      for (const w of this.waiting.splice(0)) w();
    }
  }

  private send(m: Omit<Message, 'id'> & { id?: number }): void {
    const text = JSON.stringify({ jsonrpc: '2.0', ...m });
    this.server.stdin.write(`Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  }

  request<T>(method: string, params: unknown): Promise<T> {
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (m) => {
        if (m.error !== undefined) reject(new Error(JSON.stringify(m.error)));
        else resolve(m.result as T);
      });
      this.send({ id, method, params });
    });
  }

  async start(rootUri: string): Promise<void> {
    await this.request('initialize', {
      processId: process.pid,
      rootUri,
      capabilities: {
        textDocument: { hover: { contentFormat: ['markdown'] }, completion: { completionItem: { snippetSupport: true } } },
        workspace: { configuration: true },
      },
    });
    this.send({ method: 'initialized', params: {} });
    this.send({ method: 'workspace/didChangeConfiguration', params: { settings: { yaml: SETTINGS } } });
  }

  /** Opens (or replaces) a document and waits for the diagnostics of that version. */
  async open(uri: string, text: string): Promise<Diagnostic[]> {
    this.version += 1;
    const version = this.version;
    this.diagnostics.delete(uri);
    this.send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'yaml', version, text } } });
    while (this.diagnostics.get(uri) === undefined) await new Promise<void>((r) => this.waiting.push(r));
    return this.diagnostics.get(uri)!.items;
  }

  /** The markdown of a hover at a 0-based line and character. */
  async hover(uri: string, line: number, character: number): Promise<string> {
    const r = await this.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line, character },
    });
    return r?.contents.value ?? '';
  }

  /** The completion items at a 0-based line and character: label and what is inserted. */
  async complete(uri: string, line: number, character: number): Promise<{ label: string; insertText: string }[]> {
    const r = await this.request<{ items: { label: string; insertText?: string; textEdit?: { newText: string } }[] } | null>(
      'textDocument/completion',
      { textDocument: { uri }, position: { line, character } },
    );
    return (r?.items ?? []).map((i) => ({ label: i.label, insertText: i.textEdit?.newText ?? i.insertText ?? i.label }));
  }

  async stop(): Promise<void> {
    await this.request('shutdown', null).catch(() => undefined);
    this.send({ method: 'exit' });
    this.server.kill();
  }
}
