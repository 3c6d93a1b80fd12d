using GraphQLParser.AST;
using GraphQLParser.Exceptions;

namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>A request's GraphQL text parsed once (<see cref="FakePrefectSchema.Parse"/>): the document, or the syntax error.</summary>
/// <param name="Document">The document, or <see langword="null"/> when the text does not parse.</param>
/// <param name="SyntaxError">The syntax error, or <see langword="null"/>.</param>
internal sealed record FakeParsedQuery(GraphQLDocument? Document, GraphQLSyntaxErrorException? SyntaxError);
