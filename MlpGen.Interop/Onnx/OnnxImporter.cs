using System;
using MlpGen.Interop.Protobuf;
using MlpGen.Persistence;

namespace MlpGen.Interop.Onnx;

/// <summary>
/// Imports an MLP from an ONNX model, as <c>torch.onnx.export</c> writes an <c>nn.Sequential</c> of <c>Linear</c>
/// and <c>ReLU</c>/<c>Sigmoid</c>/<c>Tanh</c>/<c>LeakyReLU</c>/<c>GELU</c>/<c>SiLU</c> layers, optionally ending in
/// <c>Softmax</c> or <c>LogSoftmax</c>, with eval-mode <c>BatchNorm1d</c> layers (folded into the linear layers) and a
/// leading <c>nn.Flatten()</c> or <c>x.view(-1, n)</c>: opset 13 or later, each Linear a <c>Gemm</c> (2-D input;
/// transB, alpha and beta honoured) or a <c>MatMul</c> followed by an <c>Add</c> of the bias, a dynamic or fixed batch
/// dimension (any leading dimensions), weights as initializers or Constant nodes (raw_data, float_data or double_data).
/// Anything else is refused with the node, its op type and why.
/// </summary>
internal static class OnnxImporter
{
    /// <summary>Decodes the model (<see cref="OnnxDecoder"/>) and reads its graph as a chain of layers (<see cref="OnnxChainReader"/>).</summary>
    /// <exception cref="ModelFormatException">The file is not an ONNX model of an MLP MlpGen can compute; the message says where and why.</exception>
    /// <param name="note">Hears what the import changed about the model (<see cref="OnnxChainReader.Notes"/>), one sentence each.</param>
    public static NetworkWeights Import(ReadOnlySpan<byte> bytes, string path, Action<string>? note = null)
    {
        OnnxModel model;
        try
        {
            model = OnnxDecoder.Model(bytes);
        }
        catch (ProtoException e)
        {
            throw new ModelFormatException(path, $"byte {e.Offset}: {e.Message}");
        }
        var reader = new OnnxChainReader(model, path);
        NetworkWeights network = reader.Read();
        foreach (string line in reader.Notes) note?.Invoke(line);
        return network;
    }
}
