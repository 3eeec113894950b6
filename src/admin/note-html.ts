import type { NoteContent, NoteRow } from './note';

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A CSP for the note: inline styles only, no scripts, no requests anywhere. */
export const NOTE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const STYLE = `
@page { size: A5; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #111; margin: 0 auto; max-width: 148mm; padding: 8mm; font-size: 11pt; }
h1 { font-size: 16pt; margin: 0; }
.subtitle { margin: 1mm 0 4mm; font-size: 11pt; }
.notice { border: 1.5pt solid #111; padding: 2mm 3mm; margin: 0 0 3mm; font-weight: bold; }
.number { margin: 0 0 3mm; }
.number .value, .code .value { font-family: "DejaVu Sans Mono", "Courier New", monospace; font-weight: bold; letter-spacing: 0.08em; }
.number .value { font-size: 15pt; }
table { border-collapse: collapse; width: 100%; margin: 0 0 4mm; }
th, td { text-align: left; vertical-align: top; padding: 1.2mm 0; border-bottom: 0.5pt solid #999; }
th { width: 38%; font-weight: normal; color: #444; padding-right: 3mm; }
.code { border: 1.5pt dashed #111; padding: 3mm; text-align: center; margin: 0 0 4mm; }
.code .value { font-size: 24pt; letter-spacing: 0.25em; }
.label { display: block; font-size: 9pt; color: #444; }
footer { font-size: 9pt; }
footer p { margin: 0 0 2mm; }
@media print { body { padding: 0; } }
`;

/** The note as a standalone HTML page, sized for A5 when printed. Every value is escaped. */
export function renderNoteHtml(note: NoteContent): string {
  const rowHtml = (row: NoteRow) => `<tr><th scope="row">${escapeHtml(row.label)}</th><td>${escapeHtml(row.value)}</td></tr>`;
  const parts = [
    '<!doctype html>',
    `<html lang="${note.language}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    `<title>${escapeHtml(`${note.title} ${note.subtitle}`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(note.title)}</h1>`,
    `<p class="subtitle">${escapeHtml(note.subtitle)}</p>`,
    ...note.notices.map((notice) => `<p class="notice">${escapeHtml(notice)}</p>`),
    note.number
      ? `<p class="number"><span class="label">${escapeHtml(note.number.label)}</span><span class="value">${escapeHtml(note.number.value)}</span></p>`
      : '',
    `<table>${note.rows.map(rowHtml).join('')}</table>`,
    note.code
      ? `<div class="code"><span class="label">${escapeHtml(note.code.label)}</span><span class="value">${escapeHtml(note.code.value)}</span></div>`
      : '',
    '</main>',
    `<footer><p>${escapeHtml(note.footer)}</p><p>${escapeHtml(note.printed)}</p></footer>`,
    '</body>',
    '</html>',
  ];
  return `${parts.filter(Boolean).join('\n')}\n`;
}
