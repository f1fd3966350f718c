// The statistics page: draws its charts from the JSON data block (no inline script: CSP).
// Chart.js comes from npm (static/vendor/chartjs, UMD build loaded before this module).

const data = JSON.parse(document.getElementById("statistics-data").textContent);
const Chart = window.Chart;
const palette = ["#b3261e", "#1f6f43", "#e0a100", "#2c5d8f", "#7a4b00", "#6b4c9a", "#888888"];
const charts = {};

function bar(id, labels, datasets, options = {}) {
  const canvas = document.getElementById(id);
  if (!canvas || !Chart) return;
  charts[id] = new Chart(canvas, {
    type: "bar",
    data: { labels, datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: datasets.length > 1, position: "bottom" } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      ...options,
    },
  });
}

const kinds = data.labels.meeting_kinds;
const byKind = Object.entries(data.meetings.by_kind);
bar("chart-meetings", byKind.map(([k]) => kinds[k] || k),
    [{ label: "Số kỳ họp", data: byKind.map(([, n]) => n), backgroundColor: palette[0] }]);

const outcomes = Object.entries(data.labels.outcomes);
const officials = data.questions.by_official;
bar("chart-questions", officials.map((o) => o.name),
    outcomes.map(([key, label], i) => ({
      label, data: officials.map((o) => o[key]), backgroundColor: palette[i % palette.length],
    })),
    { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } });

const delegates = data.delegates;
bar("chart-attendance", delegates.map((d) => d.name),
    [{ label: "Tỷ lệ có mặt (%)", data: delegates.map((d) => d.attendance_rate),
       backgroundColor: delegates.map((d) => (d.attendance_rate >= 80 ? palette[1] : palette[2])) }],
    { scales: { y: { beginAtZero: true, max: 100 } } });

// Oversight per committee and delegate group (thi đua): supervision, voters, receptions.
if (data.oversight) {
  const units = [...data.oversight.committees, ...data.oversight.groups];
  const series = [["supervisions", "Đoàn giám sát"], ["voter_meetings", "Tiếp xúc cử tri"],
                  ["receptions", "Tiếp công dân"], ["petitions_received", "Kiến nghị tiếp nhận"]];
  bar("chart-oversight", units.map((u) => u.name),
      series.map(([key, label], i) => ({
        label, data: units.map((u) => u[key]), backgroundColor: palette[i % palette.length],
      })));
}

document.body.dataset.chartsReady = String(Object.keys(charts).length);
