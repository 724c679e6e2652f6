// What a caller using the official OpenAI Node client gets from the router, whole and broken streams.
// Run by bin/openai-check against the running demo (bin/demo): the router on ROUTER (default
// http://localhost:8000) and ap-south-1's mock region on MOCK (default http://localhost:8003),
// whose admin API injects the stream faults. Exits 1 when a caller could mistake a broken stream
// for a complete one, or a whole stream came from two regions.
import OpenAI from 'openai';

const router = process.env.ROUTER ?? 'http://localhost:8000';
const mock = process.env.MOCK ?? 'http://localhost:8003';
const client = new OpenAI({ apiKey: 'unused', baseURL: router + '/v1', maxRetries: 0 });
let failed = false;

async function mockConfig(settings) {
  const response = await fetch(mock + '/admin/config', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(settings) });
  if (!response.ok) throw new Error('mock admin: HTTP ' + response.status);
}

async function stream() {
  const { data, response } = await client.chat.completions
    .create({ model: 'mock', stream: true, messages: [{ role: 'user', content: 'Explain quantum computing' }] })
    .withResponse();
  const seen = { region: response.headers.get('x-region-router-region'), chunks: 0, ids: new Set(), text: '' };
  try {
    for await (const chunk of data) {
      seen.chunks++;
      seen.ids.add(chunk.id);
      seen.text += chunk.choices[0]?.delta?.content ?? '';
    }
  } catch (e) {
    seen.error = e.constructor.name + ': ' + e.message;
  }
  return seen;
}

function check(label, ok, seen) {
  console.log((ok ? 'ok   ' : 'FAIL ') + label + ': region=' + seen.region + ' chunks=' + seen.chunks
    + ' completion ids=' + seen.ids.size + (seen.error ? ' error=' + JSON.stringify(seen.error) : ' text=' + JSON.stringify(seen.text)));
  failed ||= !ok;
}

try {
  await mockConfig({ streamFault: 'none' });
  let seen = await stream();
  check('a whole stream', !seen.error && seen.ids.size === 1 && seen.text.startsWith('Mock response from ' + seen.region), seen);

  await mockConfig({ streamFault: 'cut', streamFaultAfter: 3 });
  seen = await stream();
  check('a stream the region cuts after 3 events', seen.error !== undefined && seen.ids.size <= 1, seen);

  await mockConfig({ streamFault: 'no-done', streamFaultAfter: 0 });
  seen = await stream();
  check('a stream that ends without [DONE]', seen.error !== undefined && seen.ids.size <= 1, seen);
} finally {
  await mockConfig({ streamFault: 'none' });
}
process.exit(failed ? 1 : 0);
