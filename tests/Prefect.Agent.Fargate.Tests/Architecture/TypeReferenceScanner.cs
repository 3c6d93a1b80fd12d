using System.Collections.Immutable;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Prefect.Agent.Fargate.Tests.Architecture;

/// <summary>
/// Lists which of an assembly's own types each of its types references: base type, interfaces, attributes, field,
/// property, method and local signatures, and every metadata token in the method bodies' IL (calls, field loads,
/// <c>newobj</c>, <c>typeof</c>, casts). Compiler-generated nested types (closures, state machines) count as their
/// declaring type. Hand-written over System.Reflection.Metadata: no package scans IL for type references (the
/// architecture-test libraries read namespaces through Mono.Cecil, which this repository does not otherwise need).
/// </summary>
internal static class TypeReferenceScanner
{
    private static readonly Dictionary<short, OperandType> OperandTypes = typeof(OpCodes)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    /// <summary>Scans the assembly file.</summary>
    /// <param name="path">The assembly.</param>
    /// <returns>One edge per (referencing type, referenced type), both as full names of top-level types.</returns>
    public static IReadOnlyList<TypeEdge> Scan(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var edges = new HashSet<TypeEdge>();
        var provider = new TypeCollector(reader);

        foreach (var handle in reader.TypeDefinitions)
        {
            var type = reader.GetTypeDefinition(handle);
            var from = provider.TopLevelName(handle);
            var targets = new List<TypeDefinitionHandle>();

            targets.AddRange(provider.FromEntity(type.BaseType));
            foreach (var i in type.GetInterfaceImplementations())
            {
                targets.AddRange(provider.FromEntity(reader.GetInterfaceImplementation(i).Interface));
            }

            AddAttributes(reader, provider, type.GetCustomAttributes(), targets);
            foreach (var f in type.GetFields())
            {
                var field = reader.GetFieldDefinition(f);
                targets.AddRange(field.DecodeSignature(provider, genericContext: null));
                AddAttributes(reader, provider, field.GetCustomAttributes(), targets);
            }

            foreach (var p in type.GetProperties())
            {
                var property = reader.GetPropertyDefinition(p);
                var signature = property.DecodeSignature(provider, genericContext: null);
                targets.AddRange(signature.ReturnType);
                targets.AddRange(signature.ParameterTypes.SelectMany(t => t));
                AddAttributes(reader, provider, property.GetCustomAttributes(), targets);
            }

            foreach (var m in type.GetMethods())
            {
                var method = reader.GetMethodDefinition(m);
                var signature = method.DecodeSignature(provider, genericContext: null);
                targets.AddRange(signature.ReturnType);
                targets.AddRange(signature.ParameterTypes.SelectMany(t => t));
                AddAttributes(reader, provider, method.GetCustomAttributes(), targets);
                foreach (var p in method.GetParameters())
                {
                    AddAttributes(reader, provider, reader.GetParameter(p).GetCustomAttributes(), targets);
                }

                if (method.RelativeVirtualAddress != 0)
                {
                    var body = pe.GetMethodBody(method.RelativeVirtualAddress);
                    if (!body.LocalSignature.IsNil)
                    {
                        var locals = reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, genericContext: null);
                        targets.AddRange(locals.SelectMany(t => t));
                    }

                    foreach (var token in Tokens(body.GetILBytes()))
                    {
                        targets.AddRange(provider.FromToken(token));
                    }
                }
            }

            foreach (var target in targets)
            {
                var to = provider.TopLevelName(target);
                if (to != from)
                {
                    edges.Add(new TypeEdge(from, to));
                }
            }
        }

        return [.. edges.OrderBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal)];
    }

    private static void AddAttributes(MetadataReader reader, TypeCollector provider, CustomAttributeHandleCollection attributes, List<TypeDefinitionHandle> targets)
    {
        foreach (var a in attributes)
        {
            targets.AddRange(provider.FromEntity(reader.GetCustomAttribute(a).Constructor));
        }
    }

    // Walks the IL stream and yields every inline metadata token (method, field, type, token, signature operands).
    private static IEnumerable<int> Tokens(byte[]? il)
    {
        if (il is null)
        {
            yield break;
        }

        var i = 0;
        while (i < il.Length)
        {
            short value = il[i++];
            if (value == 0xFE)
            {
                value = (short)(0xFE00 | il[i++]);
            }

            var operand = OperandTypes[value];
            switch (operand)
            {
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineTok:
                case OperandType.InlineType:
                case OperandType.InlineSig:
                    yield return BitConverter.ToInt32(il, i);
                    i += 4;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineSwitch:
                    var count = BitConverter.ToInt32(il, i);
                    i += 4 + (4 * count);
                    break;
                default:
                    // InlineBrTarget, InlineI, InlineString, ShortInlineR.
                    i += 4;
                    break;
            }
        }
    }

    /// <summary>Decodes signatures into the assembly's own type definitions they mention (referenced assemblies' types are dropped).</summary>
    private sealed class TypeCollector(MetadataReader reader) : ISignatureTypeProvider<ImmutableArray<TypeDefinitionHandle>, object?>
    {
        public string TopLevelName(TypeDefinitionHandle handle)
        {
            var type = reader.GetTypeDefinition(handle);
            while (type.IsNested)
            {
                handle = type.GetDeclaringType();
                type = reader.GetTypeDefinition(handle);
            }

            var ns = reader.GetString(type.Namespace);
            var name = reader.GetString(type.Name);
            return ns.Length == 0 ? name : ns + "." + name;
        }

        public IEnumerable<TypeDefinitionHandle> FromToken(int token)
        {
            var handle = MetadataTokens.EntityHandle(token);
            return handle.Kind is HandleKind.StandaloneSignature ? FromStandalone((StandaloneSignatureHandle)handle) : FromEntity(handle);
        }

        public ImmutableArray<TypeDefinitionHandle> FromEntity(EntityHandle handle)
        {
            if (handle.IsNil)
            {
                return [];
            }

            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    return [(TypeDefinitionHandle)handle];
                case HandleKind.TypeSpecification:
                    return reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                case HandleKind.MethodDefinition:
                    var method = reader.GetMethodDefinition((MethodDefinitionHandle)handle);
                    return [method.GetDeclaringType()];
                case HandleKind.FieldDefinition:
                    return [reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType()];
                case HandleKind.MemberReference:
                    var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                    var parent = FromEntity(member.Parent);
                    var signature = member.GetKind() == MemberReferenceKind.Method
                        ? Flatten(member.DecodeMethodSignature(this, null))
                        : member.DecodeFieldSignature(this, null);
                    return parent.AddRange(signature);
                case HandleKind.MethodSpecification:
                    var spec = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                    return FromEntity(spec.Method).AddRange(spec.DecodeSignature(this, null).SelectMany(t => t));
                default:
                    return [];
            }
        }

        public ImmutableArray<TypeDefinitionHandle> GetArrayType(ImmutableArray<TypeDefinitionHandle> elementType, ArrayShape shape) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetByReferenceType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetFunctionPointerType(MethodSignature<ImmutableArray<TypeDefinitionHandle>> signature) => Flatten(signature);

        public ImmutableArray<TypeDefinitionHandle> GetGenericInstantiation(ImmutableArray<TypeDefinitionHandle> genericType, ImmutableArray<ImmutableArray<TypeDefinitionHandle>> typeArguments) =>
            genericType.AddRange(typeArguments.SelectMany(t => t));

        public ImmutableArray<TypeDefinitionHandle> GetGenericMethodParameter(object? genericContext, int index) => [];

        public ImmutableArray<TypeDefinitionHandle> GetGenericTypeParameter(object? genericContext, int index) => [];

        public ImmutableArray<TypeDefinitionHandle> GetModifiedType(ImmutableArray<TypeDefinitionHandle> modifier, ImmutableArray<TypeDefinitionHandle> unmodifiedType, bool isRequired) =>
            unmodifiedType.AddRange(modifier);

        public ImmutableArray<TypeDefinitionHandle> GetPinnedType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetPointerType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetPrimitiveType(PrimitiveTypeCode typeCode) => [];

        public ImmutableArray<TypeDefinitionHandle> GetSZArrayType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => [handle];

        public ImmutableArray<TypeDefinitionHandle> GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => [];

        public ImmutableArray<TypeDefinitionHandle> GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        private static ImmutableArray<TypeDefinitionHandle> Flatten(MethodSignature<ImmutableArray<TypeDefinitionHandle>> signature) =>
            signature.ReturnType.AddRange(signature.ParameterTypes.SelectMany(t => t));

        private ImmutableArray<TypeDefinitionHandle> FromStandalone(StandaloneSignatureHandle handle)
        {
            var signature = reader.GetStandaloneSignature(handle);
            return signature.GetKind() == StandaloneSignatureKind.Method
                ? Flatten(signature.DecodeMethodSignature(this, null))
                : signature.DecodeLocalSignature(this, null).SelectMany(t => t).ToImmutableArray();
        }
    }
}
