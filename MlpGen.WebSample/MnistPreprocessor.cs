using System;

namespace MlpGen.WebSample;

/// <summary>
/// Turns a drawing into the kind of image the network was trained on, the way MNIST's digits were made
/// from NIST's scans (LeCun et al.): the bounding box of the ink is scaled, keeping its aspect ratio, so
/// that its longer side is 20 pixels, with anti-aliasing (each output pixel is the share of its area
/// covered by ink, so edges get grey levels), and the result is placed in a 28×28 field so that its
/// centre of mass lies on the field's centre pixel (14, 14).
/// </summary>
/// <remarks>
/// Plain C#, no browser: the digit pad calls it with the canvas's alpha channel, and MlpGen.Tests calls
/// it directly. The resampling is an area average (a box filter) and separable: one pass over the rows,
/// one over the columns. Where the drawing is n source pixels long and the box 20, an output pixel covers
/// 1/s = n/20 source pixels on each axis, and its value is s²·Σ ink(x, y)·overlap(x, y).
/// </remarks>
public static class MnistPreprocessor
{
    /// <summary>The side of the image the network sees.</summary>
    public const int Side = 28;

    /// <summary>The side of the box the ink's bounding box is scaled into.</summary>
    public const int Box = 20;

    /// <summary>
    /// Writes the 28×28 image (row-major, ink 0 to 1) for a <paramref name="width"/>×<paramref name="height"/>
    /// drawing whose <paramref name="ink"/> is 0 (none) to 255 (full) per pixel, row-major.
    /// </summary>
    /// <returns>False, with an all-zero image, when the drawing has no ink.</returns>
    public static bool Prepare(ReadOnlySpan<byte> ink, int width, int height, Span<float> image)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"The drawing is {width}×{height}; expected a positive size.");
        if (ink.Length != width * height) throw new ArgumentException($"The drawing has {ink.Length} pixels; expected {width}×{height} = {width * height}.", nameof(ink));
        if (image.Length != Side * Side) throw new ArgumentException($"The image has {image.Length} pixels; expected {Side}×{Side} = {Side * Side}.", nameof(image));
        image.Clear();

        // 1. The bounding box of the ink.
        int left = width, right = -1, top = height, bottom = -1;
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = ink.Slice(y * width, width);
            int first = row.IndexOfAnyExcept((byte)0);
            if (first < 0) continue;
            int last = row.LastIndexOfAnyExcept((byte)0);
            if (first < left) left = first;
            if (last > right) right = last;
            if (top > y) top = y;
            bottom = y;
        }
        if (right < 0) return false;
        int inkWidth = right - left + 1, inkHeight = bottom - top + 1;

        // 2. Scale by s so that the longer side is 20 output pixels: the box is w × h output pixels, the
        //    last column or row possibly covered in part.
        double s = (double)Box / Math.Max(inkWidth, inkHeight);
        int w = Math.Min(Box, (int)Math.Ceiling(inkWidth * s - 1e-9));
        int h = Math.Min(Box, (int)Math.Ceiling(inkHeight * s - 1e-9));

        // Rows first: every source row of the box becomes w columns (sum of ink·s·overlap along x).
        var rows = new double[inkHeight * w];
        for (int y = 0; y < inkHeight; y++)
        {
            ReadOnlySpan<byte> row = ink.Slice((top + y) * width + left, inkWidth);
            Span<double> target = rows.AsSpan(y * w, w);
            for (int x = 0; x < inkWidth; x++)
            {
                if (row[x] != 0) Spread(x, s, row[x], target);
            }
        }
        // Then columns: every output column gets h rows (sum of row value·s·overlap along y).
        var box = new double[h * w];
        var column = new double[h];
        for (int u = 0; u < w; u++)
        {
            column.AsSpan().Clear();
            for (int y = 0; y < inkHeight; y++)
            {
                double value = rows[y * w + u];
                if (value != 0) Spread(y, s, value, column);
            }
            for (int v = 0; v < h; v++) box[v * w + u] = column[v];
        }

        // 3. The centre of mass of the box's ink, in pixel indices.
        double mass = 0, mx = 0, my = 0;
        for (int v = 0; v < h; v++)
        {
            for (int u = 0; u < w; u++)
            {
                double m = box[v * w + u];
                mass += m;
                mx += m * u;
                my += m * v;
            }
        }

        // 4. Shift by whole pixels so that the centre of mass lands on pixel (14, 14), where MNIST's digits
        //    have theirs (the mean over the 2,000 test digits here is (14.00, 13.99)), keeping the box inside.
        int dx = Math.Clamp((int)Math.Round(Side / 2 - mx / mass, MidpointRounding.AwayFromZero), 0, Side - w);
        int dy = Math.Clamp((int)Math.Round(Side / 2 - my / mass, MidpointRounding.AwayFromZero), 0, Side - h);
        for (int v = 0; v < h; v++)
        {
            for (int u = 0; u < w; u++)
            {
                // Ink is 0..255 per source pixel: divide by 255 for MNIST's 0..1.
                image[(v + dy) * Side + u + dx] = (float)Math.Min(1.0, box[v * w + u] / 255.0);
            }
        }
        return true;
    }

    /// <summary>
    /// Adds source pixel <paramref name="i"/> (covering [i, i+1) along one axis) to the output pixels it
    /// overlaps: output pixel k covers [k/s, (k+1)/s), and gets value·s·overlap.
    /// </summary>
    private static void Spread(int i, double s, double value, Span<double> target)
    {
        double start = i * s, end = (i + 1) * s;   // the source pixel in output coordinates
        int first = (int)Math.Floor(start);
        for (int k = first; k < end && k < target.Length; k++)
        {
            double overlap = Math.Min(end, k + 1) - Math.Max(start, k);   // in output pixels = s·(overlap in source pixels)
            if (overlap > 0) target[k] += value * overlap;
        }
    }
}
