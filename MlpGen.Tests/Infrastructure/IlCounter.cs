using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace MlpGen.Tests.Infrastructure;

/// <summary>Counts the IL instructions of every method body in a compiled assembly.</summary>
internal static class IlCounter
{
    private static readonly Dictionary<short, OpCode> ByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Method name (Type::Method) → IL instruction count.</summary>
    public static Dictionary<string, int> CountPerMethod(byte[] assembly)
    {
        using var pe = new PEReader(new MemoryStream(assembly));
        MetadataReader metadata = pe.GetMetadataReader();
        var counts = new Dictionary<string, int>();
        foreach (TypeDefinitionHandle typeHandle in metadata.TypeDefinitions)
        {
            TypeDefinition type = metadata.GetTypeDefinition(typeHandle);
            foreach (MethodDefinitionHandle methodHandle in type.GetMethods())
            {
                MethodDefinition method = metadata.GetMethodDefinition(methodHandle);
                if (method.RelativeVirtualAddress == 0) continue;
                byte[] il = pe.GetMethodBody(method.RelativeVirtualAddress).GetILBytes()!;
                string name = $"{metadata.GetString(type.Name)}::{metadata.GetString(method.Name)}";
                counts[counts.ContainsKey(name) ? $"{name}#{counts.Count}" : name] = Count(il);
            }
        }
        return counts;
    }

    public static int Count(byte[] il)
    {
        int position = 0, instructions = 0;
        while (position < il.Length)
        {
            short value = il[position] == 0xFE ? unchecked((short)(0xFE00 | il[position + 1])) : il[position];
            position += il[position] == 0xFE ? 2 : 1;
            OpCode op = ByValue[value];
            instructions++;
            position += op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, position),
                _ => 4,
            };
        }
        return instructions;
    }
}
