using System;
using System.Buffers.Binary;
using System.Text;

namespace MlpGen.Interop.Protobuf;

/// <summary>A protobuf message that cannot be decoded: truncated, a bad varint or wire type, a length beyond the data.</summary>
internal sealed class ProtoException(long offset, string message) : Exception(message)
{
    /// <summary>The byte offset in the file where the problem is.</summary>
    public long Offset { get; } = offset;
}

/// <summary>The protobuf wire types (encoding.md of protobuf).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}

/// <summary>
/// Reads the protobuf wire format from a byte span: tags, varints, fixed-width numbers and length-delimited
/// fields. Every length is checked against the bytes that remain before anything is sliced, so a corrupt or
/// hostile length cannot make it read past the data or allocate from an unverified claim. Offsets in errors
/// are from the start of the file.
/// </summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly long _origin;
    private int _position;

    public ProtoReader(ReadOnlySpan<byte> data, long origin = 0)
    {
        _data = data;
        _origin = origin;
        _position = 0;
    }

    /// <summary>The file offset of the next byte.</summary>
    public readonly long Offset => _origin + _position;

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Reads the next field's tag; false at the end of the message.</summary>
    public bool Next(out int field, out WireType wireType)
    {
        field = 0;
        wireType = 0;
        if (AtEnd) return false;
        long at = Offset;
        ulong tag = ReadVarint();
        if (tag >> 3 is 0 or > int.MaxValue) throw new ProtoException(at, $"field number {tag >> 3} is not a valid protobuf field number (corrupt data)");
        field = (int)(tag >> 3);
        wireType = (WireType)(tag & 7);
        if (wireType is not (WireType.Varint or WireType.Fixed64 or WireType.LengthDelimited or WireType.Fixed32))
            throw new ProtoException(at, $"field {field} has wire type {(int)wireType}, which ONNX does not use (corrupt data, or not an ONNX file)");
        return true;
    }

    public ulong ReadVarint()
    {
        long at = Offset;
        ulong value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (AtEnd) throw new ProtoException(at, "a number is cut off by the end of the data (truncated)");
            byte b = _data[_position++];
            if (shift == 63 && b > 1) break;
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new ProtoException(at, "a varint is longer than 10 bytes (corrupt data)");
    }

    public long ReadInt64() => (long)ReadVarint();

    /// <summary>An int32 or enum field: a varint that must fit 32 bits (negative values are sign-extended to 64).</summary>
    public int ReadInt32()
    {
        long at = Offset;
        long value = ReadInt64();
        if (value is < int.MinValue or > int.MaxValue) throw new ProtoException(at, $"expected a 32-bit number, found {value} (corrupt data)");
        return (int)value;
    }

    public uint ReadFixed32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ulong ReadFixed64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public float ReadFloat() => BitConverter.UInt32BitsToSingle(ReadFixed32());

    /// <summary>The bytes of a length-delimited field, after checking the length against what remains.</summary>
    public ReadOnlySpan<byte> ReadBytes(out long offset)
    {
        long at = Offset;
        ulong length = ReadVarint();
        int remaining = _data.Length - _position;
        if (length > (ulong)remaining)
            throw new ProtoException(at, $"a field claims {length} bytes, but only {remaining} remain in its message (truncated or corrupt)");
        offset = Offset;
        return Take((int)length);
    }

    public string ReadString()
    {
        ReadOnlySpan<byte> bytes = ReadBytes(out long offset);
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new ProtoException(offset, "a string is not valid UTF-8 (corrupt data)");
        }
    }

    /// <summary>A reader of an embedded message.</summary>
    public ProtoReader ReadMessage()
    {
        ReadOnlySpan<byte> bytes = ReadBytes(out long offset);
        return new ProtoReader(bytes, offset);
    }

    public void Skip(WireType wireType)
    {
        switch (wireType)
        {
            case WireType.Varint: ReadVarint(); break;
            case WireType.Fixed64: Take(8); break;
            case WireType.Fixed32: Take(4); break;
            default: ReadBytes(out _); break;
        }
    }

    /// <summary>A wire-type check for a known field: a file whose field has another type is corrupt (or of another schema).</summary>
    public readonly void Expect(int field, WireType actual, WireType expected, long at)
    {
        if (actual != expected)
            throw new ProtoException(at, $"field {field} has wire type {(int)actual}, expected {(int)expected} (corrupt data, or not an ONNX file)");
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _position)
            throw new ProtoException(Offset, $"expected {count} more bytes, found {_data.Length - _position} (truncated)");
        ReadOnlySpan<byte> slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}
