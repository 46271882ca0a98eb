// xlsx: reads the cells of an XLSX workbook (a zip of XML) with node's own
// zlib, enough to check the figures of hoso's report.
import zlib from 'node:zlib';

// Every file of a zip archive: name -> Buffer (stored or deflated).
export function unzip(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error('not a zip file');
  const n = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const files = {};
  for (let k = 0; k < n; k++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nlen = buf.readUInt16LE(p + 28), xlen = buf.readUInt16LE(p + 30), clen = buf.readUInt16LE(p + 32);
    const off = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nlen);
    const lnlen = buf.readUInt16LE(off + 26), lxlen = buf.readUInt16LE(off + 28);
    const data = buf.subarray(off + 30 + lnlen + lxlen, off + 30 + lnlen + lxlen + csize);
    files[name] = method === 0 ? data : zlib.inflateRawSync(data);
    p += 46 + nlen + xlen + clen;
  }
  return files;
}

function unxml(s) {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

// The sheets of a workbook: [{name, cells: {A1: value}}] in order.
export function readXlsx(buf) {
  const f = unzip(buf);
  const shared = [];
  if (f['xl/sharedStrings.xml']) {
    for (const m of f['xl/sharedStrings.xml'].toString('utf8').matchAll(/<si>([\s\S]*?)<\/si>/g)) {
      shared.push(unxml([...m[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((x) => x[1]).join('')));
    }
  }
  const wb = f['xl/workbook.xml'].toString('utf8');
  const names = [...wb.matchAll(/<sheet [^>]*name="([^"]*)"/g)].map((m) => unxml(m[1]));
  return names.map((name, i) => {
    const xml = f[`xl/worksheets/sheet${i + 1}.xml`].toString('utf8');
    const cells = {};
    for (const m of xml.matchAll(/<c r="([A-Z]+\d+)"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const v = m[3] && m[3].match(/<v>([\s\S]*?)<\/v>/);
      if (!v) continue;
      cells[m[1]] = /t="s"/.test(m[2]) ? shared[Number(v[1])] : /t="str"/.test(m[2]) ? unxml(v[1]) : Number(v[1]);
    }
    return { name, cells };
  });
}
