using System.Globalization;
using GraphQL.Types;
using GraphQLParser.AST;

namespace Prefect.Agent.Fargate.Testing.Prefect;

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
