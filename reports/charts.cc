#include "reports/charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "harness/runner/group_healing.h"
#include "reports/escape.h"

namespace parity::reports {

namespace {

constexpr const char* kTargetColor = "#1f6feb";
constexpr const char* kBaselineColor = "#8c959f";

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// nice_max rounds up to 1, 2 or 5 times a power of ten, for axis ticks.
double nice_max(double v) {
  if (v <= 0) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * p >= v) return m * p;
  }
  return 10 * p;
}

std::string verdict_color(const std::string& v) {
  if (v == "pass") return "#1a7f37";
  if (v == "fail") return "#cf222e";
  if (v == "error") return "#bc4c00";
  if (v == "not-tested") return "#8250df";
  if (v == "waived") return "#9a6700";
  return "#8c959f";
}

}  // namespace

std::string format_number(double v) {
  if (!std::isfinite(v)) return v > 0 ? "∞" : (v < 0 ? "-∞" : "NaN");
  if (std::fabs(v - std::round(v)) < 1e-9 && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string bar_chart(const std::vector<BarRow>& rows, const std::string& title) {
  if (rows.empty()) return "";
  constexpr double kWidth = 900, kLabel = 360, kBarMax = 420, kRow = 40, kTop = 30, kBar = 13;
  const double height = kTop + kRow * static_cast<double>(rows.size()) + 10;
  std::string s = "<svg class=\"chart\" viewBox=\"0 0 " + fmt(kWidth) + " " + fmt(height) + "\" width=\"" +
                  fmt(kWidth) + "\" role=\"img\" aria-label=\"" + html_escape(title) + "\">";
  s += "<title>" + html_escape(title) + "</title>";
  // Legend.
  s += "<rect x=\"" + fmt(kLabel) + "\" y=\"6\" width=\"12\" height=\"12\" fill=\"" + kTargetColor + "\"/>";
  s += "<text x=\"" + fmt(kLabel + 18) + "\" y=\"16\" class=\"lg\">target</text>";
  s += "<rect x=\"" + fmt(kLabel + 90) + "\" y=\"6\" width=\"12\" height=\"12\" fill=\"" + kBaselineColor + "\"/>";
  s += "<text x=\"" + fmt(kLabel + 108) + "\" y=\"16\" class=\"lg\">Signal baseline</text>";
  s += "<text x=\"" + fmt(kWidth - 4) + "\" y=\"16\" class=\"lg\" text-anchor=\"end\">each row on its own scale</text>";
  for (size_t i = 0; i < rows.size(); ++i) {
    const BarRow& r = rows[i];
    const double y = kTop + kRow * static_cast<double>(i);
    if (i % 2 == 1) {
      s += "<rect x=\"0\" y=\"" + fmt(y - 2) + "\" width=\"" + fmt(kWidth) + "\" height=\"" + fmt(kRow) +
           "\" fill=\"#f6f8fa\"/>";
    }
    const std::string label = std::string(truncate_utf8(r.label, 44)) + (r.label.size() > 44 ? "…" : "");
    s += "<text x=\"4\" y=\"" + fmt(y + 16) + "\" class=\"lb" + std::string(r.failed ? " failed" : "") + "\">" +
         html_escape(label) + "</text>";
    if (!r.unit.empty()) s += "<text x=\"4\" y=\"" + fmt(y + 31) + "\" class=\"un\">" + html_escape(r.unit) + "</text>";
    const double t = r.target.value_or(0), b = r.baseline.value_or(0);
    const double max = std::max({std::fabs(t), std::fabs(b), 1e-12});
    const auto bar = [&](const std::optional<double>& v, double by, const char* color, const char* who) {
      std::string out;
      const double w = v ? std::max(kBarMax * std::fabs(*v) / max, *v != 0 ? 2.0 : 0.0) : 0;
      if (v) {
        out += "<rect x=\"" + fmt(kLabel) + "\" y=\"" + fmt(by) + "\" width=\"" + fmt(w) + "\" height=\"" + fmt(kBar) +
               "\" fill=\"" + color + "\"><title>" + who + ": " + html_escape(format_number(*v) + " " + r.unit) +
               "</title></rect>";
      }
      out += "<text x=\"" + fmt(kLabel + w + 5) + "\" y=\"" + fmt(by + 11) + "\" class=\"vl\">" +
             (v ? html_escape(format_number(*v)) : std::string("n/a")) + "</text>";
      return out;
    };
    s += bar(r.target, y + 3, kTargetColor, "target");
    s += bar(r.baseline, y + 3 + kBar + 3, kBaselineColor, "baseline");
  }
  s += "</svg>";
  return s;
}

std::string line_chart(const harness::Series& series) {
  constexpr double kW = 720, kH = 300, kL = 56, kR = 150, kT = 34, kB = 52;
  const double pw = kW - kL - kR, ph = kH - kT - kB;
  const size_t n = std::max<size_t>({series.target.size(), series.baseline.size(), 1});
  double max = 0;
  for (double v : series.target) max = std::max(max, v);
  for (double v : series.baseline) max = std::max(max, v);
  const double ymax = nice_max(max);
  const auto px = [&](size_t i) {
    return kL + (n == 1 ? pw / 2 : pw * static_cast<double>(i) / static_cast<double>(n - 1));
  };
  const auto py = [&](double v) { return kT + ph - ph * std::clamp(v, 0.0, ymax) / ymax; };
  const std::string title = series.name + (series.unit.empty() ? "" : " (" + series.unit + ")");

  std::string s = "<svg class=\"chart line\" viewBox=\"0 0 " + fmt(kW) + " " + fmt(kH) + "\" width=\"" + fmt(kW) +
                  "\" role=\"img\" aria-label=\"" + html_escape(title) + "\">";
  s += "<title>" + html_escape(title) + "</title>";
  s += "<text x=\"" + fmt(kL) + "\" y=\"18\" class=\"ct\">" + html_escape(title) + "</text>";
  // Horizontal grid lines and y ticks.
  for (int k = 0; k <= 4; ++k) {
    const double v = ymax * k / 4;
    const double y = py(v);
    s += "<line x1=\"" + fmt(kL) + "\" y1=\"" + fmt(y) + "\" x2=\"" + fmt(kL + pw) + "\" y2=\"" + fmt(y) +
         "\" class=\"grid\"/>";
    s += "<text x=\"" + fmt(kL - 6) + "\" y=\"" + fmt(y + 4) + "\" class=\"tk\" text-anchor=\"end\">" +
         html_escape(format_number(v)) + "</text>";
  }
  // X ticks: at most about 12 labels.
  const size_t step = std::max<size_t>(1, (n + 11) / 12);
  for (size_t i = 0; i < n; i += step) {
    s += "<text x=\"" + fmt(px(i)) + "\" y=\"" + fmt(kT + ph + 16) + "\" class=\"tk\" text-anchor=\"middle\">" +
         std::to_string(i + 1) + "</text>";
  }
  s += "<line x1=\"" + fmt(kL) + "\" y1=\"" + fmt(kT + ph) + "\" x2=\"" + fmt(kL + pw) + "\" y2=\"" + fmt(kT + ph) +
       "\" class=\"axis\"/>";
  s += "<text x=\"" + fmt(kL + pw / 2) + "\" y=\"" + fmt(kH - 10) + "\" class=\"al\" text-anchor=\"middle\">" +
       html_escape(series.x_label.empty() ? "step" : series.x_label) + "</text>";
  const auto line = [&](const std::vector<double>& values, const char* color, bool dashed, bool squares) {
    if (values.empty()) return std::string();
    std::string points;
    for (size_t i = 0; i < values.size(); ++i) points += (i ? " " : "") + fmt(px(i)) + "," + fmt(py(values[i]));
    std::string out = "<polyline points=\"" + points + "\" fill=\"none\" stroke=\"" + color +
                      "\" stroke-width=\"2.5\"" + (dashed ? " stroke-dasharray=\"6 4\"" : "") + "/>";
    for (size_t i = 0; i < values.size(); ++i) {
      const std::string tip =
          "<title>" + std::to_string(i + 1) + ": " + html_escape(format_number(values[i])) + "</title>";
      if (squares) {
        out += "<rect x=\"" + fmt(px(i) - 4) + "\" y=\"" + fmt(py(values[i]) - 4) +
               "\" width=\"8\" height=\"8\" fill=\"" + color + "\">" + tip + "</rect>";
      } else {
        out += "<circle cx=\"" + fmt(px(i)) + "\" cy=\"" + fmt(py(values[i])) + "\" r=\"4\" fill=\"" + color + "\">" +
               tip + "</circle>";
      }
    }
    return out;
  };
  s += line(series.baseline, kBaselineColor, true, true);
  s += line(series.target, kTargetColor, false, false);
  // Legend on the right.
  const double lx = kL + pw + 16;
  s += "<circle cx=\"" + fmt(lx + 6) + "\" cy=\"" + fmt(kT + 10) + "\" r=\"4\" fill=\"" + kTargetColor + "\"/>";
  s += "<text x=\"" + fmt(lx + 16) + "\" y=\"" + fmt(kT + 14) + "\" class=\"lg\">target</text>";
  s += "<rect x=\"" + fmt(lx + 2) + "\" y=\"" + fmt(kT + 28) + "\" width=\"8\" height=\"8\" fill=\"" + kBaselineColor +
       "\"/>";
  s += "<text x=\"" + fmt(lx + 16) + "\" y=\"" + fmt(kT + 36) + "\" class=\"lg\">Signal baseline</text>";
  s += "</svg>";
  return s;
}

std::string healing_text(const std::optional<double>& round) {
  if (!round) return "n/a";
  if (*round > harness::kGroupHealingRounds) return "> " + std::to_string(harness::kGroupHealingRounds);
  return "round " + format_number(*round);
}

std::string healing_chart(const std::vector<HealingRow>& rows, const std::string& title) {
  if (rows.empty()) return "";
  // One column per round 1..10 and one for "> 10": a bar ends in the column of its round.
  constexpr int kColumns = harness::kGroupHealingRounds + 1;
  constexpr double kWidth = 900, kLabel = 300, kPlot = 500, kRow = 40, kTop = 50, kBar = 13;
  const double col = kPlot / kColumns;
  const double height = kTop + kRow * static_cast<double>(rows.size()) + 26;
  std::string s = "<svg class=\"chart healing\" viewBox=\"0 0 " + fmt(kWidth) + " " + fmt(height) + "\" width=\"" +
                  fmt(kWidth) + "\" role=\"img\" aria-label=\"" + html_escape(title) + "\">";
  s += "<title>" + html_escape(title) + "</title>";
  s += "<rect x=\"" + fmt(kLabel) + "\" y=\"6\" width=\"12\" height=\"12\" fill=\"" + kTargetColor + "\"/>";
  s += "<text x=\"" + fmt(kLabel + 18) + "\" y=\"16\" class=\"lg\">target</text>";
  s += "<rect x=\"" + fmt(kLabel + 90) + "\" y=\"6\" width=\"12\" height=\"12\" fill=\"" + kBaselineColor + "\"/>";
  s += "<text x=\"" + fmt(kLabel + 108) + "\" y=\"16\" class=\"lg\">Signal baseline</text>";
  // Column ticks: 1..10, then "> 10"; a grid line at each column's end.
  for (int k = 0; k < kColumns; ++k) {
    const double x = kLabel + col * (k + 1);
    const std::string tick =
        k < harness::kGroupHealingRounds ? std::to_string(k + 1) : "> " + std::to_string(harness::kGroupHealingRounds);
    s += "<text x=\"" + fmt(x - col / 2) + "\" y=\"" + fmt(kTop - 8) + "\" class=\"tk\" text-anchor=\"middle\">" +
         html_escape(tick) + "</text>";
    s += "<line x1=\"" + fmt(x) + "\" y1=\"" + fmt(kTop - 4) + "\" x2=\"" + fmt(x) + "\" y2=\"" +
         fmt(kTop + kRow * static_cast<double>(rows.size())) + "\" class=\"grid\"/>";
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    const HealingRow& r = rows[i];
    const double y = kTop + kRow * static_cast<double>(i);
    if (i % 2 == 1) {
      s += "<rect x=\"0\" y=\"" + fmt(y - 2) + "\" width=\"" + fmt(kWidth) + "\" height=\"" + fmt(kRow) +
           "\" fill=\"#f6f8fa\"/>";
    }
    const std::string label = std::string(truncate_utf8(r.label, 40)) + (r.label.size() > 40 ? "…" : "");
    s += "<text x=\"4\" y=\"" + fmt(y + 20) + "\" class=\"lb\">" + html_escape(label) + "</text>";
    const auto bar = [&](const std::optional<double>& v, double by, const char* color, const char* who,
                         const std::string& missing) {
      std::string out;
      double w = 0;
      std::string text = missing.empty() ? healing_text(v) : missing;
      if (v) {
        const double columns = std::clamp(*v, 1.0, static_cast<double>(kColumns));
        w = col * columns;
        text = healing_text(v);
        out += "<rect x=\"" + fmt(kLabel) + "\" y=\"" + fmt(by) + "\" width=\"" + fmt(w) + "\" height=\"" + fmt(kBar) +
               "\" fill=\"" + color + "\"><title>" + who + ": " + html_escape(text) + "</title></rect>";
      }
      out += "<text x=\"" + fmt(kLabel + w + 5) + "\" y=\"" + fmt(by + 11) + "\" class=\"vl\">" + html_escape(text) +
             "</text>";
      return out;
    };
    s += bar(r.target, y + 3, kTargetColor, "target", r.target ? "" : (r.note.empty() ? "n/a" : r.note));
    s += bar(r.baseline, y + 3 + kBar + 3, kBaselineColor, "baseline", "");
  }
  s += "<text x=\"" + fmt(kLabel + kPlot / 2) + "\" y=\"" + fmt(height - 6) +
       "\" class=\"al\" text-anchor=\"middle\">first round after the compromise whose messages the clone reads none "
       "of</text>";
  s += "</svg>";
  return s;
}

std::string verdict_bar(const std::vector<VerdictSlice>& slices) {
  int total = 0;
  for (const VerdictSlice& v : slices) total += v.count;
  if (total == 0) return "";
  constexpr double kW = 900, kBar = 22;
  std::string s = "<svg class=\"chart vbar\" viewBox=\"0 0 " + fmt(kW) + " 56\" width=\"" + fmt(kW) +
                  "\" role=\"img\" aria-label=\"checks by verdict\"><title>checks by verdict</title>";
  double x = 0;
  double lx = 0;
  for (const VerdictSlice& v : slices) {
    if (v.count == 0) continue;
    const double w = kW * v.count / total;
    s += "<rect x=\"" + fmt(x) + "\" y=\"0\" width=\"" + fmt(w) + "\" height=\"" + fmt(kBar) + "\" fill=\"" +
         verdict_color(v.name) + "\"><title>" + html_escape(v.name) + ": " + std::to_string(v.count) +
         "</title></rect>";
    x += w;
    s += "<rect x=\"" + fmt(lx) + "\" y=\"34\" width=\"12\" height=\"12\" fill=\"" + verdict_color(v.name) + "\"/>";
    const std::string label = v.name + " " + std::to_string(v.count);
    s += "<text x=\"" + fmt(lx + 17) + "\" y=\"45\" class=\"lg\">" + html_escape(label) + "</text>";
    lx += 30 + 8.0 * static_cast<double>(label.size());
  }
  s += "</svg>";
  return s;
}

}  // namespace parity::reports
