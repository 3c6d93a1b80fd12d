using System.Globalization;
using GraphQL.Types;
using GraphQLParser.AST;

namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>
/// A custom scalar of the Prefect schema carried as a string and checked for its format, as the real server's
/// scalars are: <c>UUID</c>/<c>uuid</c> (a GUID) and <c>DateTime</c>/<c>timestamptz</c> (an ISO-8601 date-time).
/// </summary>
internal sealed class FakeStringScalarGraphType : ScalarGraphType
{
    private readonly Func<string, bool> isValid;
    private readonly string expected;

    private FakeStringScalarGraphType(string name, Func<string, bool> isValid, string expected)
    {
        Name = name;
        this.isValid = isValid;
        this.expected = expected;
    }

    public static FakeStringScalarGraphType Uuid(string name) => new(name, text => Guid.TryParse(text, out _), "a UUID");

    public static FakeStringScalarGraphType DateTime(string name) => new(
        name,
        text => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _),
        "an ISO-8601 date-time");

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
        System.DateTime or DateTimeOffset => value,
        _ => ThrowValueConversionError(value),
    };

    public override object? Serialize(object? value) => value?.ToString();

    private string Check(string text) =>
        isValid(text) ? text : throw new FormatException($"Expected {expected} for {Name}, found \"{text}\".");
}
