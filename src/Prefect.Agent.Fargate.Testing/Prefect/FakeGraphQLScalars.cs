using System.Globalization;
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

/// <summary>A date-time scalar (<c>DateTime</c>, Hasura's <c>timestamptz</c>): an ISO-8601 string.</summary>
internal sealed class FakeDateTimeGraphType : ScalarGraphType
{
    public FakeDateTimeGraphType(string name) => Name = name;

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
        DateTime or DateTimeOffset => value,
        _ => ThrowValueConversionError(value),
    };

    public override object? Serialize(object? value) => value?.ToString();

    private string Check(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)
            ? text
            : throw new FormatException($"Expected an ISO-8601 date-time for {Name}, found \"{text}\".");
}

/// <summary>A JSON scalar (<c>JSON</c>, Hasura's <c>jsonb</c>): any value.</summary>
internal sealed class FakeJsonGraphType : ScalarGraphType
{
    public FakeJsonGraphType(string name) => Name = name;

    public override object? ParseLiteral(GraphQLValue value) => value switch
    {
        GraphQLNullValue => null,
        GraphQLStringValue s => new string(s.Value.Span),
        GraphQLIntValue or GraphQLFloatValue or GraphQLBooleanValue or GraphQLEnumValue => value,
        GraphQLListValue l => l.Values?.Select(ParseLiteral).ToList() ?? [],
        GraphQLObjectValue o => o.Fields?.ToDictionary(f => new string(f.Name.Value.Span), f => ParseLiteral(f.Value)) ?? [],
        _ => ThrowLiteralConversionError(value),
    };

    public override object? ParseValue(object? value) => value;

    public override object? Serialize(object? value) => value;
}
