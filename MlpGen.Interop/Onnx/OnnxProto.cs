using System;
using System.Collections.Generic;
using MlpGen.Interop.Protobuf;

namespace MlpGen.Interop.Onnx;

// The few ONNX messages an MLP needs, with the fields MlpGen reads or writes; field numbers from onnx/onnx.proto
// (ModelProto, OperatorSetIdProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto,
// TensorShapeProto). Every other field is skipped when read.

/// <summary>TensorProto.DataType values MlpGen meets.</summary>
internal enum OnnxDataType
{
    Undefined = 0,
    Float = 1,
    Int64 = 7,
    Double = 11,
}

internal sealed class OnnxModel
{
    public long IrVersion;
    public readonly List<(string Domain, long Version)> OpsetImports = new();
    public OnnxGraph? Graph;
}

internal sealed class OnnxGraph
{
    public string Name = "";
    public readonly List<OnnxNode> Nodes = new();
    public readonly List<OnnxTensor> Initializers = new();
    public readonly List<OnnxValueInfo> Inputs = new();
    public readonly List<OnnxValueInfo> Outputs = new();
    public int SparseInitializers;
}

internal sealed class OnnxNode
{
    public string Name = "", OpType = "", Domain = "";
    public readonly List<string> Inputs = new();
    public readonly List<string> Outputs = new();
    public readonly List<OnnxAttribute> Attributes = new();

    /// <summary>How errors name the node: its name (or its output's, when unnamed) and op type, as excerpts (<see cref="FileText"/>).</summary>
    public string Describe() => $"node {FileText.Quoted(Name.Length > 0 ? Name : Outputs.Count > 0 ? Outputs[0] : "?")} ({FileText.Excerpt(OpType)})";
}

/// <summary>An attribute; <see cref="Type"/> is AttributeProto.AttributeType (1 FLOAT, 2 INT, …).</summary>
internal sealed class OnnxAttribute
{
    public string Name = "";
    public int Type;
    public float F;
    public long I;

    /// <summary>A STRING attribute's text (e.g. Gelu's <c>approximate</c>).</summary>
    public string S = "";

    /// <summary>A TENSOR attribute (Constant's <c>value</c>).</summary>
    public OnnxTensor? T;

    /// <summary>An INTS attribute's values (Constant's <c>value_ints</c>).</summary>
    public readonly List<long> Ints = new();
}

internal sealed class OnnxTensor
{
    public string Name = "";
    public readonly List<long> Dims = new();
    public int DataType;
    public bool External;

    /// <summary>The values as doubles (float32 ones widened exactly, int64 ones converted), decoded from raw_data, float_data, double_data or int64_data.</summary>
    public double[] Values = Array.Empty<double>();
}

/// <summary>A graph input or output: name, element type and shape (a dimension is a number, or a name for a symbolic one).</summary>
internal sealed class OnnxValueInfo
{
    public string Name = "";
    public int ElementType;
    public bool HasShape;
    public readonly List<(long Value, string? Param)> Shape = new();
}

/// <summary>Decodes a ModelProto from bytes, checking every length; errors are <see cref="ProtoException"/>s at a file offset.</summary>
internal static class OnnxDecoder
{
    public static OnnxModel Model(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        var model = new OnnxModel();
        while (reader.Next(out int field, out WireType wire))
        {
            long at = reader.Offset;
            switch (field)
            {
                case 1: reader.Expect(field, wire, WireType.Varint, at); model.IrVersion = reader.ReadInt64(); break;
                case 7:
                    reader.Expect(field, wire, WireType.LengthDelimited, at);
                    var graph = reader.ReadMessage();
                    model.Graph = Graph(ref graph);
                    break;
                case 8:
                    reader.Expect(field, wire, WireType.LengthDelimited, at);
                    var opset = reader.ReadMessage();
                    model.OpsetImports.Add(OperatorSetId(ref opset));
                    break;
                default: reader.Skip(wire); break;
            }
        }
        return model;
    }

    private static (string, long) OperatorSetId(ref ProtoReader reader)
    {
        string domain = "";
        long version = 0;
        while (reader.Next(out int field, out WireType wire))
        {
            long at = reader.Offset;
            switch (field)
            {
                case 1: reader.Expect(field, wire, WireType.LengthDelimited, at); domain = reader.ReadString(); break;
                case 2: reader.Expect(field, wire, WireType.Varint, at); version = reader.ReadInt64(); break;
                default: reader.Skip(wire); break;
            }
        }
        return (domain, version);
    }

    private static OnnxGraph Graph(ref ProtoReader reader)
    {
        var graph = new OnnxGraph();
        while (reader.Next(out int field, out WireType wire))
        {
            long at = reader.Offset;
            if (field is 1 or 2 or 5 or 11 or 12 or 15) reader.Expect(field, wire, WireType.LengthDelimited, at);
            switch (field)
            {
                case 1: { var m = reader.ReadMessage(); graph.Nodes.Add(Node(ref m)); break; }
                case 2: graph.Name = reader.ReadString(); break;
                case 5: { var m = reader.ReadMessage(); graph.Initializers.Add(Tensor(ref m)); break; }
                case 11: { var m = reader.ReadMessage(); graph.Inputs.Add(ValueInfo(ref m)); break; }
                case 12: { var m = reader.ReadMessage(); graph.Outputs.Add(ValueInfo(ref m)); break; }
                case 15: reader.ReadBytes(out _); graph.SparseInitializers++; break;
                default: reader.Skip(wire); break;
            }
        }
        return graph;
    }

    private static OnnxNode Node(ref ProtoReader reader)
    {
        var node = new OnnxNode();
        while (reader.Next(out int field, out WireType wire))
        {
            long at = reader.Offset;
            if (field is 1 or 2 or 3 or 4 or 5 or 7) reader.Expect(field, wire, WireType.LengthDelimited, at);
            switch (field)
            {
                case 1: node.Inputs.Add(reader.ReadString()); break;
                case 2: node.Outputs.Add(reader.ReadString()); break;
                case 3: node.Name = reader.ReadString(); break;
                case 4: node.OpType = reader.ReadString(); break;
                case 5: { var m = reader.ReadMessage(); node.Attributes.Add(Attribute(ref m)); break; }
                case 7: node.Domain = reader.ReadString(); break;
                default: reader.Skip(wire); break;
            }
        }
        return node;
    }

    private static OnnxAttribute Attribute(ref ProtoReader reader)
    {
        var attribute = new OnnxAttribute();
        while (reader.Next(out int field, out WireType wire))
        {
            long at = reader.Offset;
            switch (field)
            {
                case 1: reader.Expect(field, wire, WireType.LengthDelimited, at); attribute.Name = reader.ReadString(); break;
                case 2: reader.Expect(field, wire, WireType.Fixed32, at); attribute.F = reader.ReadFloat(); break;
                case 3: reader.Expect(field, wire, WireType.Varint, at); attribute.I = reader.ReadInt64(); break;
                case 4: reader.Expect(field, wire, WireType.LengthDelimited, at); attribute.S = reader.ReadString(); break;
                case 5: { reader.Expect(field, wire, WireType.LengthDelimited, at); var m = reader.ReadMessage(); attribute.T = Tensor(ref m); break; }
                case 8 when wire == WireType.LengthDelimited:   // packed ints
                {
                    var packed = reader.ReadMessage();
                    while (!packed.AtEnd) attribute.Ints.Add(packed.ReadInt64());
                    break;
                }
                case 8: reader.Expect(field, wire, WireType.Varint, at); attribute.Ints.Add(reader.ReadInt64()); break;
                case 20: reader.Expect(field, wire, WireType.Varint, at); attribute.Type = reader.ReadInt32(); break;
                default: reader.Skip(wire); break;
            }
        }
        return attribute;
    }

    private static OnnxTensor Tensor(ref ProtoReader reader)
    {
        var tensor = new OnnxTensor();
        var floats = new List<double>();   // float_data or double_data: grows only with values really read
        ReadOnlySpan<byte> raw = default;
        long rawOffset = -1;
        while (reader.Next(out int field, out WireType wire))
        {
            long at = reader.Offset;
            switch (field)
            {
                case 1 when wire == WireType.LengthDelimited:   // packed dims
                {
                    var packed = reader.ReadMessage();
                    while (!packed.AtEnd) tensor.Dims.Add(packed.ReadInt64());
                    break;
                }
                case 1: reader.Expect(field, wire, WireType.Varint, at); tensor.Dims.Add(reader.ReadInt64()); break;
                case 2: reader.Expect(field, wire, WireType.Varint, at); tensor.DataType = reader.ReadInt32(); break;
                case 4 when wire == WireType.LengthDelimited:   // packed float_data
                {
                    var packed = reader.ReadMessage();
                    while (!packed.AtEnd) floats.Add(packed.ReadFloat());
                    break;
                }
                case 4: reader.Expect(field, wire, WireType.Fixed32, at); floats.Add(reader.ReadFloat()); break;
                case 7 when wire == WireType.LengthDelimited:   // packed int64_data (a Reshape's shape)
                {
                    var packed = reader.ReadMessage();
                    while (!packed.AtEnd) floats.Add(packed.ReadInt64());
                    break;
                }
                case 7: reader.Expect(field, wire, WireType.Varint, at); floats.Add(reader.ReadInt64()); break;
                case 8: reader.Expect(field, wire, WireType.LengthDelimited, at); tensor.Name = reader.ReadString(); break;
                case 9: reader.Expect(field, wire, WireType.LengthDelimited, at); raw = reader.ReadBytes(out rawOffset); break;
                case 10 when wire == WireType.LengthDelimited:  // packed double_data
                {
                    var packed = reader.ReadMessage();
                    while (!packed.AtEnd) floats.Add(BitConverter.UInt64BitsToDouble(packed.ReadFixed64()));
                    break;
                }
                case 10: reader.Expect(field, wire, WireType.Fixed64, at); floats.Add(BitConverter.UInt64BitsToDouble(reader.ReadFixed64())); break;
                case 13: reader.Skip(wire); tensor.External = true; break;
                case 14: reader.Expect(field, wire, WireType.Varint, at); if (reader.ReadInt64() == 1) tensor.External = true; break;
                default: reader.Skip(wire); break;
            }
        }
        if (rawOffset >= 0)
        {
            // raw_data: little-endian values of the data type; its length is checked against the dims by the importer.
            if (tensor.DataType == (int)OnnxDataType.Float && raw.Length % 4 == 0)
            {
                tensor.Values = new double[raw.Length / 4];
                for (int i = 0; i < tensor.Values.Length; i++) tensor.Values[i] = BitConverter.Int32BitsToSingle(System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(raw.Slice(4 * i)));
            }
            else if (tensor.DataType == (int)OnnxDataType.Double && raw.Length % 8 == 0)
            {
                tensor.Values = new double[raw.Length / 8];
                for (int i = 0; i < tensor.Values.Length; i++) tensor.Values[i] = System.Buffers.Binary.BinaryPrimitives.ReadDoubleLittleEndian(raw.Slice(8 * i));
            }
            else if (tensor.DataType == (int)OnnxDataType.Int64 && raw.Length % 8 == 0)
            {
                tensor.Values = new double[raw.Length / 8];
                for (int i = 0; i < tensor.Values.Length; i++) tensor.Values[i] = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(raw.Slice(8 * i));
            }
            else if (tensor.DataType is (int)OnnxDataType.Float or (int)OnnxDataType.Double or (int)OnnxDataType.Int64)
            {
                throw new ProtoException(rawOffset, $"tensor {FileText.Quoted(tensor.Name)}: raw_data of {raw.Length} bytes is not a whole number of {(tensor.DataType == 1 ? 4 : 8)}-byte values (corrupt data)");
            }
        }
        else
        {
            tensor.Values = floats.ToArray();
        }
        return tensor;
    }

    private static OnnxValueInfo ValueInfo(ref ProtoReader reader)
    {
        var info = new OnnxValueInfo();
        while (reader.Next(out int field, out WireType wire))
        {
            long at = reader.Offset;
            switch (field)
            {
                case 1: reader.Expect(field, wire, WireType.LengthDelimited, at); info.Name = reader.ReadString(); break;
                case 2:
                {
                    reader.Expect(field, wire, WireType.LengthDelimited, at);
                    var type = reader.ReadMessage();
                    while (type.Next(out int typeField, out WireType typeWire))
                    {
                        if (typeField != 1) { type.Skip(typeWire); continue; }   // only tensor_type
                        type.Expect(typeField, typeWire, WireType.LengthDelimited, type.Offset);
                        var tensor = type.ReadMessage();
                        while (tensor.Next(out int tensorField, out WireType tensorWire))
                        {
                            long tensorAt = tensor.Offset;
                            if (tensorField == 1) { tensor.Expect(tensorField, tensorWire, WireType.Varint, tensorAt); info.ElementType = tensor.ReadInt32(); }
                            else if (tensorField == 2) { tensor.Expect(tensorField, tensorWire, WireType.LengthDelimited, tensorAt); var shape = tensor.ReadMessage(); Shape(ref shape, info); }
                            else { tensor.Skip(tensorWire); }
                        }
                    }
                    break;
                }
                default: reader.Skip(wire); break;
            }
        }
        return info;
    }

    private static void Shape(ref ProtoReader reader, OnnxValueInfo info)
    {
        info.HasShape = true;
        while (reader.Next(out int field, out WireType wire))
        {
            if (field != 1) { reader.Skip(wire); continue; }
            reader.Expect(field, wire, WireType.LengthDelimited, reader.Offset);
            var dim = reader.ReadMessage();
            long value = -1;
            string? param = null;
            while (dim.Next(out int dimField, out WireType dimWire))
            {
                long at = dim.Offset;
                if (dimField == 1) { dim.Expect(dimField, dimWire, WireType.Varint, at); value = dim.ReadInt64(); }
                else if (dimField == 2) { dim.Expect(dimField, dimWire, WireType.LengthDelimited, at); param = dim.ReadString(); }
                else { dim.Skip(dimWire); }
            }
            info.Shape.Add((value, param ?? (value < 0 ? "?" : null)));
        }
    }
}
