using GraphQL.Types;
using GraphQLParser.AST;

namespace Prefect.Agent.Fargate.Testing.Prefect;

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
