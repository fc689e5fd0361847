#!/usr/bin/env node
// Draws the extension icon (images/extension-icon.png, 128x128) and one 32x32 icon.png per
// tasks/<Task>/ folder: an Azure-blue rounded square with a white glyph. Pure Node (zlib + CRC32
// PNG encoder), deterministic, so the committed PNGs can be regenerated at any time:
//   node scripts/make-icons.mjs
// A new task gets the fallback glyph until one is added to GLYPHS below.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------- PNG encoding
const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
export function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------- shapes (unit square, y down)
const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ring = (cx, cy, r, w) => (x, y) => Math.abs(Math.hypot(x - cx, y - cy) - r) <= w / 2;
function segDist(x, y, x0, y0, x1, y1) {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const t = Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(x - (x0 + t * dx), y - (y0 + t * dy));
}
const line = (x0, y0, x1, y1, w) => (x, y) => segDist(x, y, x0, y0, x1, y1) <= w / 2;
const polyline = (pts, w) => union(...pts.slice(1).map((p, i) => line(pts[i][0], pts[i][1], p[0], p[1], w)));
const rrect = (x0, y0, x1, y1, r) => (x, y) => {
  const qx = Math.abs(x - (x0 + x1) / 2) - ((x1 - x0) / 2 - r);
  const qy = Math.abs(y - (y0 + y1) / 2) - ((y1 - y0) / 2 - r);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) <= r;
};
const poly = (pts) => (x, y) => {
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [xi, yi] = pts[i];
    const [xj, yj] = pts[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
};
const union =
  (...s) =>
  (x, y) =>
    s.some((f) => f(x, y));
const minus =
  (a, ...b) =>
  (x, y) =>
    a(x, y) && !b.some((f) => f(x, y));

// ---------------------------------------------------------------- glyphs
// Each glyph is a list of [shape, colour] layers drawn over the background, 'fg' = white,
// 'bg' = the background colour (to cut details back out of white areas).
const S = 0.085; // stroke width for task glyphs (≈2.7 px at 32 px)

const GLYPHS = {
  // Extension: a lab flask with liquid and bubbles (machine learning experiments).
  extension: () => {
    const flask = poly([
      [0.42, 0.2],
      [0.58, 0.2],
      [0.58, 0.42],
      [0.77, 0.74],
      [0.77, 0.8],
      [0.23, 0.8],
      [0.23, 0.74],
      [0.42, 0.42],
    ]);
    const outline = polyline(
      [
        [0.42, 0.2],
        [0.42, 0.42],
        [0.23, 0.74],
        [0.23, 0.8],
        [0.77, 0.8],
        [0.77, 0.74],
        [0.58, 0.42],
        [0.58, 0.2],
      ],
      0.06,
    );
    const liquid = (x, y) => flask(x, y) && y >= 0.6 + 0.025 * Math.sin(x * 28);
    return [
      [outline, 'fg'],
      [line(0.37, 0.2, 0.63, 0.2, 0.06), 'fg'],
      [liquid, 'fg'],
      [circle(0.5, 0.5, 0.035), 'fg'],
      [circle(0.56, 0.36, 0.025), 'fg'],
      [circle(0.43, 0.69, 0.035), 'bg'],
      [circle(0.6, 0.72, 0.025), 'bg'],
    ];
  },
  // Wait for run: a clock face.
  AzureMLWaitForRun: () => [
    [ring(0.5, 0.5, 0.28, S), 'fg'],
    [line(0.5, 0.5, 0.5, 0.32, S), 'fg'],
    [line(0.5, 0.5, 0.64, 0.58, S), 'fg'],
  ],
  // Publish pipeline: a small DAG of steps, as Azure ML studio draws pipelines.
  AzureMLPublishPipeline: () => [
    [
      polyline(
        [
          [0.32, 0.3],
          [0.32, 0.5],
          [0.68, 0.5],
          [0.68, 0.7],
        ],
        S,
      ),
      'fg',
    ],
    [line(0.32, 0.5, 0.32, 0.7, S), 'fg'],
    [rrect(0.2, 0.2, 0.44, 0.38, 0.05), 'fg'],
    [rrect(0.2, 0.62, 0.44, 0.8, 0.05), 'fg'],
    [rrect(0.56, 0.62, 0.8, 0.8, 0.05), 'fg'],
  ],
  // Compare models: two bars, the candidate taller than production.
  AzureMLCompareModels: () => [
    [rrect(0.24, 0.46, 0.44, 0.76, 0.04), 'fg'],
    [rrect(0.56, 0.24, 0.76, 0.76, 0.04), 'fg'],
    [line(0.2, 0.8, 0.8, 0.8, 0.06), 'fg'],
  ],
  // Register model: a label tag with a hole.
  AzureMLRegisterModel: () => [
    [
      minus(
        poly([
          [0.22, 0.3],
          [0.56, 0.3],
          [0.8, 0.5],
          [0.56, 0.7],
          [0.22, 0.7],
        ]),
        circle(0.58, 0.5, 0.065),
      ),
      'fg',
    ],
  ],
  // Package model: an isometric box.
  AzureMLPackageModel: () => {
    const top = [0.5, 0.22];
    const l = [0.24, 0.36];
    const r = [0.76, 0.36];
    const c = [0.5, 0.5];
    const bl = [0.24, 0.66];
    const br = [0.76, 0.66];
    const b = [0.5, 0.8];
    return [
      [poly([top, r, br, b, bl, l]), 'fg'],
      [polyline([l, c, r], 0.06), 'bg'],
      [line(c[0], c[1], b[0], b[1], 0.06), 'bg'],
    ];
  },
  // Deploy model: a cloud with an upward arrow.
  AzureMLDeployModel: () => [
    [union(circle(0.36, 0.56, 0.15), circle(0.56, 0.46, 0.2), circle(0.7, 0.6, 0.12), rrect(0.21, 0.56, 0.82, 0.72, 0.08)), 'fg'],
    [line(0.52, 0.66, 0.52, 0.44, 0.07), 'bg'],
    [
      poly([
        [0.52, 0.34],
        [0.62, 0.47],
        [0.42, 0.47],
      ]),
      'bg',
    ],
  ],
  // Validate data: rows of a table, the last one checked.
  AzureMLValidateData: () => [
    [rrect(0.2, 0.24, 0.66, 0.34, 0.03), 'fg'],
    [rrect(0.2, 0.44, 0.66, 0.54, 0.03), 'fg'],
    [rrect(0.2, 0.64, 0.44, 0.74, 0.03), 'fg'],
    [
      polyline(
        [
          [0.5, 0.66],
          [0.6, 0.76],
          [0.8, 0.5],
        ],
        S,
      ),
      'fg',
    ],
  ],
  // Any task without its own glyph yet.
  fallback: () => [
    [ring(0.5, 0.5, 0.24, S), 'fg'],
    [circle(0.5, 0.5, 0.09), 'fg'],
  ],
};

// ---------------------------------------------------------------- rendering
const TOP = [0x1a, 0x8c, 0xe6]; // Azure blue, lighter at the top
const BOTTOM = [0x00, 0x63, 0xb1]; // darker at the bottom
const WHITE = [0xff, 0xff, 0xff];
const bgColour = (y) => TOP.map((t, i) => t + (BOTTOM[i] - t) * Math.min(1, Math.max(0, y)));

export function render(size, layers, { margin, radius, samples }) {
  const tile = rrect(margin, margin, 1 - margin, 1 - margin, radius);
  const out = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          if (!tile(x, y)) continue;
          let colour = bgColour(y);
          for (const [shape, which] of layers) if (shape(x, y)) colour = which === 'fg' ? WHITE : bgColour(y);
          r += colour[0];
          g += colour[1];
          b += colour[2];
          a += 1;
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        out[i] = Math.round(r / a);
        out[i + 1] = Math.round(g / a);
        out[i + 2] = Math.round(b / a);
      }
      out[i + 3] = Math.round((255 * a) / (samples * samples));
    }
  }
  return encodePng(size, size, out);
}

function write(file, png) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, png);
  console.log(`make-icons: ${path.relative(root, file)} (${png.length} bytes)`);
}

function main() {
  write(path.join(root, 'images', 'extension-icon.png'), render(128, GLYPHS.extension(), { margin: 0.03, radius: 0.2, samples: 6 }));
  const tasksDir = path.join(root, 'tasks');
  const tasks = fs.existsSync(tasksDir)
    ? fs
        .readdirSync(tasksDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  for (const task of tasks) {
    const glyph = GLYPHS[task] ?? GLYPHS.fallback;
    if (!GLYPHS[task]) console.warn(`make-icons: no glyph for ${task}; using the fallback (add one to GLYPHS)`);
    write(path.join(tasksDir, task, 'icon.png'), render(32, glyph(), { margin: 0.02, radius: 0.2, samples: 8 }));
  }
  if (process.argv.includes('--preview')) {
    // All glyphs at 32 px, for checking designs of tasks that do not exist yet.
    for (const [name, glyph] of Object.entries(GLYPHS)) {
      if (name === 'extension') continue;
      write(path.join(root, 'build', 'icon-preview', `${name}.png`), render(32, glyph(), { margin: 0.02, radius: 0.2, samples: 8 }));
      write(path.join(root, 'build', 'icon-preview', `${name}@128.png`), render(128, glyph(), { margin: 0.02, radius: 0.2, samples: 4 }));
    }
  }
}

main();
