using System;
using System.Buffers.Binary;

namespace MlpGen.WebSample;

/// <summary>
/// Encodes a square grey image (ink 0 to 1) as an 8-bit BMP data URL, so that the page shows the image the
/// network sees as a plain &lt;img&gt;, without a canvas or a call into JavaScript. Ink is drawn dark on
/// white, as on the pad.
/// </summary>
public static class GreyBitmap
{
    private const int FileHeader = 14, InfoHeader = 40, Palette = 256 * 4;

    /// <summary>The BMP file for a <paramref name="side"/>×<paramref name="side"/> image, row-major from the top.</summary>
    public static byte[] Encode(ReadOnlySpan<float> image, int side)
    {
        if (side <= 0 || image.Length != side * side) throw new ArgumentException($"The image has {image.Length} pixels; expected {side}×{side}.", nameof(image));
        int stride = (side + 3) & ~3;                       // rows are padded to 4 bytes
        int offset = FileHeader + InfoHeader + Palette;
        var file = new byte[offset + stride * side];
        Span<byte> f = file;

        f[0] = (byte)'B'; f[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(f[2..], file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(f[10..], offset);
        BinaryPrimitives.WriteInt32LittleEndian(f[14..], InfoHeader);
        BinaryPrimitives.WriteInt32LittleEndian(f[18..], side);
        BinaryPrimitives.WriteInt32LittleEndian(f[22..], side);   // positive height: rows stored bottom-up
        BinaryPrimitives.WriteInt16LittleEndian(f[26..], 1);      // planes
        BinaryPrimitives.WriteInt16LittleEndian(f[28..], 8);      // bits per pixel: palette indices
        BinaryPrimitives.WriteInt32LittleEndian(f[34..], stride * side);
        BinaryPrimitives.WriteInt32LittleEndian(f[46..], 256);    // colours in the palette
        for (int i = 0; i < 256; i++)                              // index i = ink i/255: grey 255 - i
        {
            byte grey = (byte)(255 - i);
            f[FileHeader + InfoHeader + 4 * i] = grey;
            f[FileHeader + InfoHeader + 4 * i + 1] = grey;
            f[FileHeader + InfoHeader + 4 * i + 2] = grey;
        }
        for (int y = 0; y < side; y++)
        {
            Span<byte> row = f.Slice(offset + (side - 1 - y) * stride, side);
            for (int x = 0; x < side; x++) row[x] = (byte)Math.Round(Math.Clamp(image[y * side + x], 0f, 1f) * 255f);
        }
        return file;
    }

    /// <summary>The BMP as a data: URL for an &lt;img src&gt;.</summary>
    public static string DataUrl(ReadOnlySpan<float> image, int side) => "data:image/bmp;base64," + Convert.ToBase64String(Encode(image, side));
}
