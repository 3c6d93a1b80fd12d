using GraphQL.Types;
using GraphQLParser.AST;

namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>A UUID scalar (<c>UUID</c> of the Prefect service, <c>uuid</c> of Hasura): a string that parses as a GUID.</summary>
internal sealed class FakeUuidGraphType : ScalarGraphType
{
    public FakeUuidGraphType(string name) => Name = name;

    public override object? ParseLiteral(GraphQLValue value) => value switch
    {
        GraphQLNullValue => null,
        GraphQLStringValue s => Check(new string(s.Value.Span)),
        _ => ThrowLiteralConversionError(value),
    };

    public override object? ParseValue(object? value) => value switch
    {
        null => null,
        string s => Check(s),
        Guid g => g.ToString(),
        _ => ThrowValueConversionError(value),
    };

    public override object? Serialize(object? value) => value?.ToString();

    private string Check(string text) =>
        Guid.TryParse(text, out _) ? text : throw new FormatException($"Expected a UUID for {Name}, found \"{text}\".");
}
