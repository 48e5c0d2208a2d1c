import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

// Only the parts a bar chart needs, so the bundle carries no other chart type.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export interface Count {
  label: string;
  count: number;
}

/**
 * A bar chart of counts (a group's Categories, its Briefs), drawn by Chart.js, with
 * the same figures in a table beside it for screen readers and for copying. The
 * chart is updated in place as live events arrive, without animation.
 */
export function CountsChart({ title, counts, empty }: { title: string; counts: Count[]; empty: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'bar'> | null>(null);

  useEffect(() => {
    chart.current = new Chart(canvas.current!, {
      type: 'bar',
      data: { labels: [], datasets: [{ label: title, data: [], backgroundColor: '#2f6fb3' }] },
      options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
    return () => chart.current?.destroy();
  }, []);

  useEffect(() => {
    const current = chart.current;
    if (!current) return;
    current.data.labels = counts.map((c) => c.label);
    current.data.datasets[0]!.data = counts.map((c) => c.count);
    current.update();
  }, [counts]);

  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div class="canvas-box">
        <canvas ref={canvas} role="img" aria-label={`${title}: ${counts.map((c) => `${c.label} ${c.count}`).join(', ') || empty}`} />
      </div>
      {counts.length === 0 ? (
        <p>{empty}</p>
      ) : (
        <table class="compact">
          <tbody>
            {counts.map((c) => (
              <tr key={c.label}>
                <th scope="row">{c.label}</th>
                <td>{c.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </figure>
  );
}
