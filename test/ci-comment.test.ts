/**
 * The diff-comment job's own script, run with the real curl against a small stand-in of GitLab's
 * notes API on localhost (the job cannot reach a GitLab here): it keeps one note per merge request,
 * updating the newest note of its own user that holds the report, and posts a new one otherwise.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './helpers/cli.js';

interface Note {
  id: number;
  body: string;
  author: { id: number; username: string };
}
interface Seen {
  method: string;
  url: string;
  token: string | undefined;
  body: string;
}

const script = (parse(readFileSync(join(ROOT, '.gitlab-ci.yml'), 'utf8')) as Record<string, { script: string[] }>)['diff-comment']!.script;
const REPORT = '**chamicore-compile diff**: 3 sites against main (0123456789ab): 1 changed, 2 unchanged\n\n- sites/dev.yaml: unchanged\n';

let server: Server;
let base = '';
let notes: Note[] = [];
let seen: Seen[] = [];

const bodyOf = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      resolve(text);
    });
  });

beforeAll(async () => {
  server = createServer((req, res) => {
    void bodyOf(req).then((body) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', token: req.headers['private-token'] as string | undefined, body });
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/v4/user') return res.end(JSON.stringify({ id: 7, username: 'chamicore-bot', name: 'bot' }));
      const list = '/api/v4/projects/42/merge_requests/5/notes';
      if (req.method === 'GET' && req.url?.startsWith(`${list}?`)) {
        // As GitLab writes it: "id" first, "<" and ">" escaped, the author nested.
        return res.end(JSON.stringify(notes).replace(/</g, '\\u003c').replace(/>/g, '\\u003e'));
      }
      if (req.method === 'POST' && req.url === list) return res.end(JSON.stringify({ id: 99 }));
      if (req.method === 'PUT' && req.url?.startsWith(`${list}/`))
        return res.end(JSON.stringify({ id: Number(req.url.slice(list.length + 1)) }));
      res.statusCode = 404;
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? String(address.port) : ''}/api/v4`;
});
afterAll(
  () =>
    new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    ),
);

/** Runs the job's script lines as the runner does (each with sh -e) in a folder holding site-diff.md. */
async function runJob(token: string | undefined, report = REPORT): Promise<{ code: number | null; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'chamicore-comment-'));
  writeFileSync(join(dir, 'site-diff.md'), report);
  seen = [];
  try {
    return await new Promise((resolve) => {
      const child = spawn('sh', ['-e', '-c', script.join('\n')], {
        cwd: dir,
        env: {
          PATH: process.env['PATH'] ?? '',
          CI_API_V4_URL: base,
          CI_PROJECT_ID: '42',
          CI_MERGE_REQUEST_IID: '5',
          ...(token !== undefined ? { DIFF_COMMENT_TOKEN: token } : {}),
        },
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.on('close', (code) => {
        resolve({ code, out });
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const note = (id: number, body: string, author = 7): Note => ({
  id,
  body,
  author: { id: author, username: author === 7 ? 'chamicore-bot' : 'someone' },
});
const writes = (): { method: string; url: string }[] => seen.filter((s) => s.method !== 'GET').map(({ method, url }) => ({ method, url }));

describe('diff-comment keeps one note per merge request', () => {
  it('posts the first note', async () => {
    notes = [note(3, 'LGTM <3', 8)];
    const r = await runJob('t0ken');
    expect(r.code, r.out).toBe(0);
    expect(writes()).toEqual([{ method: 'POST', url: '/api/v4/projects/42/merge_requests/5/notes' }]);
    expect(seen.every((s) => s.token === 't0ken')).toBe(true);
    expect(
      decodeURIComponent(
        seen
          .at(-1)!
          .body.replace(/^body=/, '')
          .replace(/\+/g, ' '),
      ),
    ).toBe(REPORT);
  });

  it("updates the newest note of its own user that holds the report, never someone else's", async () => {
    notes = [note(12, '**chamicore-compile diff**: quoted by a reviewer', 8), note(11, REPORT), note(4, REPORT), note(2, 'hello')];
    const r = await runJob('t0ken');
    expect(r.code, r.out).toBe(0);
    expect(writes()).toEqual([{ method: 'PUT', url: '/api/v4/projects/42/merge_requests/5/notes/11' }]);
    expect(r.out).toContain('diff-comment: updated note 11');
  });

  it('posts a new note when only other users hold the report', async () => {
    notes = [note(12, REPORT, 8)];
    const r = await runJob('t0ken');
    expect(writes()).toEqual([{ method: 'POST', url: '/api/v4/projects/42/merge_requests/5/notes' }]);
    expect(r.code).toBe(0);
  });

  it('does nothing without the token', async () => {
    notes = [];
    const r = await runJob(undefined);
    expect(r.code).toBe(0);
    expect(seen).toEqual([]);
    expect(r.out).toContain('nothing posted');
  });
});
