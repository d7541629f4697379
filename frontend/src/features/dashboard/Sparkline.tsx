/** A tiny line chart (hand-made SVG): the trend of one metric, with the latest value beside it. */
export function Sparkline({
  values,
  label,
  unit = '',
  color = 'var(--mantine-color-blue-6)',
  width = 72,
  height = 26,
  digits = 1,
}: {
  values: (number | undefined)[];
  /** Accessible name, e.g. "calls/s of SIPProxy_1". */
  label: string;
  unit?: string;
  color?: string;
  width?: number;
  height?: number;
  digits?: number;
}) {
  const pts = values.map((v, i) => ({ v, i })).filter((p): p is { v: number; i: number } => typeof p.v === 'number');
  const last = pts.length ? pts[pts.length - 1]!.v : undefined;
  const max = Math.max(1e-9, ...pts.map((p) => p.v));
  const min = Math.min(0, ...pts.map((p) => p.v));
  const n = Math.max(values.length - 1, 1);
  const x = (i: number) => (i / n) * (width - 2) + 1;
  const y = (v: number) => height - 2 - ((v - min) / (max - min || 1)) * (height - 4);
  const path = pts.map((p, k) => `${k === 0 ? 'M' : 'L'}${x(p.i).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
  const text = last === undefined ? 'no data' : `${last.toFixed(digits)}${unit}`;
  return (
    <span style={{ display: 'inline-flex', alignItems: 'center', gap: 6 }}>
      <svg
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`${label}: ${text}`}
        style={{ display: 'block', overflow: 'visible' }}
      >
        <line x1={0} x2={width} y1={height - 1} y2={height - 1} stroke="var(--mantine-color-default-border)" strokeWidth={1} />
        {pts.length > 1 ? (
          <>
            <path
              d={`${path} L${x(pts[pts.length - 1]!.i).toFixed(1)},${height - 1} L${x(pts[0]!.i).toFixed(1)},${height - 1} Z`}
              fill={color}
              opacity={0.12}
            />
            <path d={path} fill="none" stroke={color} strokeWidth={1.6} strokeLinejoin="round" strokeLinecap="round" />
          </>
        ) : null}
        {pts.length ? <circle cx={x(pts[pts.length - 1]!.i)} cy={y(last!)} r={2.2} fill={color} /> : null}
      </svg>
      <span style={{ fontSize: 12, fontVariantNumeric: 'tabular-nums', minWidth: 44 }} aria-hidden>
        {text}
      </span>
    </span>
  );
}
