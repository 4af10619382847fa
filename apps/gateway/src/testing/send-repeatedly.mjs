// A client in a process of its own (its socket timing is not the gateway's event loop):
//   node send-repeatedly.mjs <url> <times> <bytes> <content-type>
// POSTs `bytes` bytes `times` times, one after another, and prints a JSON count of
// "<status> <detail.code>" answers and "error <code>" failures.
const [url, times, bytes, contentType] = process.argv.slice(2);
const body = Buffer.alloc(Number(bytes), 'a');
const counts = {};
for (let i = 0; i < Number(times); i++) {
  let key;
  try {
    const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': contentType } });
    const text = await res.text();
    let code = text.slice(0, 40);
    try {
      code = JSON.parse(text).detail?.code ?? code;
    } catch {
      // not JSON: keep the text
    }
    key = `${res.status} ${code}`;
  } catch (error) {
    key = `error ${error.cause?.code ?? error.message}`;
  }
  counts[key] = (counts[key] ?? 0) + 1;
}
console.log(JSON.stringify(counts));
