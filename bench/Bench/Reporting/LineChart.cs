using System.Globalization;
using SkiaSharp;

namespace PullWorker.Bench.Reporting;

/// <summary>One line of a chart: its legend name, colour, style and points.</summary>
internal sealed record ChartSeries(string Name, SKColor Color, bool Dashed, IReadOnlyList<(double X, double Y)> Points);

/// <summary>What to draw: title, axis labels, the series, and which axes are logarithmic.</summary>
internal sealed record ChartSpec(
    string Title, string XLabel, string YLabel, IReadOnlyList<ChartSeries> Series,
    bool LogX = false, bool LogY = false, IReadOnlyList<double>? XTicks = null);

/// <summary>Draws a line chart with axes, ticks, grid, labels and a legend to a PNG with SkiaSharp.</summary>
internal static class LineChart
{
    private const int Width = 960;
    private const int Height = 560;
    private const float Left = 80;
    private const float Right = 250;
    private const float Top = 50;
    private const float Bottom = 70;

    public static void Render(ChartSpec spec, string path)
    {
        var points = spec.Series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray();
        if (points.Length == 0)
        {
            throw new InvalidOperationException($"chart '{spec.Title}' has no finite points");
        }

        var x = new Axis(points.Min(p => p.X), points.Max(p => p.X), spec.LogX, Left, Width - Right, spec.XTicks);
        var y = new Axis(spec.LogY ? points.Min(p => p.Y) : Math.Min(0, points.Min(p => p.Y)), points.Max(p => p.Y), spec.LogY, Height - Bottom, Top, null);

        using var surface = SKSurface.Create(new SKImageInfo(Width, Height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var typeface = LoadTypeface();
        using var font = new SKFont(typeface, 14);
        using var titleFont = new SKFont(typeface, 18) { Embolden = true };
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var grid = new SKPaint { Color = new SKColor(225, 225, 225), StrokeWidth = 1 };
        using var frame = new SKPaint { Color = SKColors.Black, StrokeWidth = 1.5f, Style = SKPaintStyle.Stroke };

        foreach (var tick in x.Ticks)
        {
            var px = x.Map(tick);
            canvas.DrawLine(px, Top, px, Height - Bottom, grid);
            canvas.DrawText(Format(tick), px, Height - Bottom + 20, SKTextAlign.Center, font, ink);
        }

        foreach (var tick in y.Ticks)
        {
            var py = y.Map(tick);
            canvas.DrawLine(Left, py, Width - Right, py, grid);
            canvas.DrawText(Format(tick), Left - 8, py + 5, SKTextAlign.Right, font, ink);
        }

        canvas.DrawRect(Left, Top, Width - Right - Left, Height - Bottom - Top, frame);
        canvas.DrawText(spec.Title, (Left + Width - Right) / 2, Top - 20, SKTextAlign.Center, titleFont, ink);
        canvas.DrawText(spec.XLabel, (Left + Width - Right) / 2, Height - 22, SKTextAlign.Center, font, ink);
        canvas.Save();
        canvas.RotateDegrees(-90, 22, (Top + Height - Bottom) / 2);
        canvas.DrawText(spec.YLabel, 22, (Top + Height - Bottom) / 2, SKTextAlign.Center, font, ink);
        canvas.Restore();

        for (var i = 0; i < spec.Series.Count; i++)
        {
            var series = spec.Series[i];
            using var line = new SKPaint { Color = series.Color, StrokeWidth = 2.5f, Style = SKPaintStyle.Stroke, IsAntialias = true };
            using var dash = series.Dashed ? SKPathEffect.CreateDash([8, 6], 0) : null;
            line.PathEffect = dash;
            using var dot = new SKPaint { Color = series.Color, IsAntialias = true };
            using var stroke = new SKPath();
            var drawn = series.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray();
            for (var k = 0; k < drawn.Length; k++)
            {
                var point = new SKPoint(x.Map(drawn[k].X), y.Map(drawn[k].Y));
                if (k == 0)
                {
                    stroke.MoveTo(point);
                }
                else
                {
                    stroke.LineTo(point);
                }

                canvas.DrawCircle(point, 4, dot);
            }

            canvas.DrawPath(stroke, line);
            var legendY = Top + 10 + (i * 24);
            canvas.DrawLine(Width - Right + 20, legendY, Width - Right + 60, legendY, line);
            canvas.DrawText(series.Name, Width - Right + 68, legendY + 5, SKTextAlign.Left, font, ink);
        }

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        png.SaveTo(file);
    }

    private static SKTypeface LoadTypeface()
    {
        const string DejaVu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
        return (File.Exists(DejaVu) ? SKTypeface.FromFile(DejaVu) : null) ?? SKTypeface.FromFamilyName("sans-serif");
    }

    private static string Format(double value) => value switch
    {
        >= 10_000 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0", CultureInfo.InvariantCulture),
        >= 1 => value.ToString("0.#", CultureInfo.InvariantCulture),
        _ => value.ToString("0.##", CultureInfo.InvariantCulture),
    };

    /// <summary>Maps data to pixels on a linear or log axis and chooses readable ticks.</summary>
    private sealed class Axis
    {
        private readonly double _min;
        private readonly double _max;
        private readonly bool _log;
        private readonly float _from;
        private readonly float _to;

        public Axis(double min, double max, bool log, float from, float to, IReadOnlyList<double>? ticks)
        {
            _log = log;
            _from = from;
            _to = to;
            if (log)
            {
                _min = Math.Pow(10, Math.Floor(Math.Log10(min) * 4) / 4);
                _max = Math.Pow(10, Math.Ceiling(Math.Log10(max) * 4) / 4);
                Ticks = ticks ?? LogTicks(_min, _max);
            }
            else
            {
                var step = NiceStep((max - min) / 6);
                _min = Math.Floor(min / step) * step;
                _max = Math.Max(Math.Ceiling(max / step) * step, _min + step);
                Ticks = ticks ?? [.. Enumerable.Range(0, (int)Math.Round((_max - _min) / step) + 1).Select(k => _min + (k * step))];
            }

            if (ticks is not null)
            {
                _min = Math.Min(_min, ticks.Min());
                _max = Math.Max(_max, ticks.Max());
            }
        }

        public IReadOnlyList<double> Ticks { get; }

        public float Map(double value)
        {
            var fraction = _log
                ? (Math.Log10(value) - Math.Log10(_min)) / (Math.Log10(_max) - Math.Log10(_min))
                : (value - _min) / (_max - _min);
            return (float)(_from + (fraction * (_to - _from)));
        }

        private static double NiceStep(double rough)
        {
            var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
            return new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * magnitude).First(s => s >= rough);
        }

        private static IReadOnlyList<double> LogTicks(double min, double max)
        {
            var ticks = new List<double>();
            for (var decade = Math.Pow(10, Math.Floor(Math.Log10(min))); decade <= max; decade *= 10)
            {
                ticks.AddRange(new[] { 1, 2, 5 }.Select(m => m * decade).Where(t => t >= min * 0.999 && t <= max * 1.001));
            }

            return ticks;
        }
    }
}
