using System;
using System.Collections.Generic;
using System.Globalization;
using SkiaSharp;

namespace MlpGen.Reporting;

/// <summary>
/// Grids of small images with captions, drawn with SkiaSharp (ScottPlot's renderer): the misclassified test
/// samples and the first layer's incoming weights. An input of n = k² values is shown as a k×k image
/// (28×28 for MNIST), any other n as a row-major image ⌈√n⌉ wide.
/// </summary>
internal static class Tiles
{
    private const int Scale = 3, Padding = 10, Columns = 10, TitleHeight = 44, CaptionLine = 16;

    /// <summary>The width and height of the image of an input of <paramref name="size"/> values.</summary>
    public static (int Width, int Height) Shape(int size)
    {
        int side = (int)Math.Round(Math.Sqrt(size));
        if (side * side == size) return (side, side);
        int width = (int)Math.Ceiling(Math.Sqrt(size));
        return (width, (size + width - 1) / width);
    }

    /// <summary>One tile: the values as pixels (Colour of each), and up to two caption lines under it.</summary>
    public sealed record Tile(double[] Values, Func<double, SKColor> Colour, string Caption, string? SecondCaption = null, SKColor? CaptionColour = null);

    /// <summary>The tiles in rows of ten under a title, with an optional legend line at the bottom; PNG bytes.</summary>
    public static byte[] GridPng(string title, IReadOnlyList<Tile> tiles, int inputSize, Action<SKCanvas, SKRect, SKFont>? legend = null, string? emptyText = null)
    {
        (int w, int h) = Shape(inputSize);
        int tileWidth = Math.Max(w * Scale, 76), tileHeight = h * Scale + 2 * CaptionLine + 6;
        int columns = Math.Max(1, Math.Min(Columns, tiles.Count));
        int rows = Math.Max(1, (tiles.Count + columns - 1) / columns);
        int legendHeight = legend is null ? 0 : 46;
        int width = Math.Max(columns * (tileWidth + Padding) + Padding, 560);
        int height = TitleHeight + rows * (tileHeight + Padding) + Padding + legendHeight;

        using SKSurface surface = SKSurface.Create(new SKImageInfo(width, height));
        SKCanvas canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using SKTypeface typeface = Charts.FontName is { } name ? SKTypeface.FromFamilyName(name) : SKTypeface.Default;
        using var titleFont = new SKFont(typeface, 17);
        using var font = new SKFont(typeface, 12);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var frame = new SKPaint { Color = new SKColor(0xC8, 0xC8, 0xC8), Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        using var pixel = new SKPaint { IsAntialias = false };
        canvas.DrawText(title, Padding, 28, SKTextAlign.Left, titleFont, ink);
        if (tiles.Count == 0 && emptyText is not null) canvas.DrawText(emptyText, Padding, TitleHeight + 24, SKTextAlign.Left, font, ink);

        for (int i = 0; i < tiles.Count; i++)
        {
            Tile tile = tiles[i];
            float left = Padding + (i % columns) * (tileWidth + Padding), top = TitleHeight + (i / columns) * (tileHeight + Padding);
            float imageLeft = left + (tileWidth - w * Scale) / 2f;
            for (int v = 0; v < tile.Values.Length; v++)
            {
                pixel.Color = tile.Colour(tile.Values[v]);
                canvas.DrawRect(imageLeft + (v % w) * Scale, top + (v / w) * Scale, Scale, Scale, pixel);
            }
            canvas.DrawRect(imageLeft - 0.5f, top - 0.5f, w * Scale + 1, h * Scale + 1, frame);
            float centre = left + tileWidth / 2f, baseline = top + h * Scale + CaptionLine;
            ink.Color = tile.CaptionColour ?? SKColors.Black;
            canvas.DrawText(tile.Caption, centre, baseline, SKTextAlign.Center, font, ink);
            ink.Color = SKColors.Black;
            if (tile.SecondCaption is { } second) canvas.DrawText(second, centre, baseline + CaptionLine - 1, SKTextAlign.Center, font, ink);
        }
        legend?.Invoke(canvas, new SKRect(Padding, height - legendHeight, width - Padding, height - Padding), font);

        using SKImage image = surface.Snapshot();
        using SKData data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A pixel of an input in [0, 1] as ink on paper: 0 white, 1 black.</summary>
    public static SKColor Ink(double value)
    {
        byte grey = (byte)Math.Round(255 * (1 - Math.Clamp(value, 0, 1)));
        return new SKColor(grey, grey, grey);
    }

    /// <summary>A value in [−1, 1] on the diverging colour map (cmocean's balance: blue negative, white 0, red positive).</summary>
    public static SKColor Diverging(double value)
    {
        ScottPlot.Color c = Balance.GetColor((Math.Clamp(value, -1, 1) + 1) / 2);
        return new SKColor(c.R, c.G, c.B);
    }

    private static readonly ScottPlot.Colormaps.Balance Balance = new();

    /// <summary>The legend of <see cref="Diverging"/>: a colour bar from −1 to +1 with the given end labels.</summary>
    public static Action<SKCanvas, SKRect, SKFont> DivergingLegend(string negative, string positive) => (canvas, area, font) =>
    {
        using var paint = new SKPaint { IsAntialias = false };
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        float barLeft = area.Left + 150, barRight = area.Right - 150, barTop = area.Top + 6, barHeight = 14;
        for (float x = barLeft; x < barRight; x++)
        {
            paint.Color = Diverging(2 * (x - barLeft) / (barRight - barLeft) - 1);
            canvas.DrawRect(x, barTop, 1, barHeight, paint);
        }
        canvas.DrawText(negative, barLeft - 8, barTop + 12, SKTextAlign.Right, font, ink);
        canvas.DrawText(positive, barRight + 8, barTop + 12, SKTextAlign.Left, font, ink);
        canvas.DrawText("0", (barLeft + barRight) / 2, barTop + barHeight + 14, SKTextAlign.Center, font, ink);
    };

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
