// Small SVG bar charts: one bar per alternative in its colour, an optional whisker from the
// median to P90 (drawn when the plan has reliability figures).

const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs, text) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

// rows: [{label, value, whisker (or null), colour}]; format: number -> text
export function barChart(svg, rows, format) {
  const rowH = 22;
  const labelW = 34;
  const width = 440;
  const valueW = 118;
  const height = rows.length * rowH + 6;
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('direction', 'ltr');
  const max = Math.max(1e-9, ...rows.map((r) => Math.max(r.value, r.whisker || 0)));
  const scale = (width - labelW - valueW) / max;
  rows.forEach((row, i) => {
    const y = i * rowH + 3;
    svg.append(el('text', { x: 2, y: y + rowH * 0.62 }, row.label));
    const bar = el('rect', {
      x: labelW, y: y + 3, width: Math.max(1, row.value * scale), height: rowH - 8, fill: row.colour,
      class: 'bar',
    });
    bar.append(el('title', {}, format(row.value)));
    svg.append(bar);
    let end = labelW + row.value * scale;
    if (row.whisker && row.whisker > row.value) {
      const x2 = labelW + row.whisker * scale;
      const mid = y + rowH / 2 - 1;
      svg.append(el('line', { x1: end, y1: mid, x2, y2: mid, stroke: '#222', 'stroke-width': 1.5, class: 'whisker' }));
      svg.append(el('line', { x1: x2, y1: mid - 5, x2, y2: mid + 5, stroke: '#222', 'stroke-width': 1.5 }));
      end = x2;
    }
    const text = row.whisker && row.whisker > row.value
      ? format(row.value) + ' – ' + format(row.whisker)
      : format(row.value);
    svg.append(el('text', { x: end + 4, y: y + rowH * 0.62 }, text));
  });
}
