using System.Reflection;
using GraphQL;
using GraphQL.SystemTextJson;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;

namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>
/// The schema the fake validates every request against: Prefect Server's own SDL files (embedded, unchanged), a
/// hand-written subset of the Hasura part, and in cloud mode <c>auth_info</c>. Validation uses GraphQL.NET's
/// <see cref="DocumentValidator"/> with the core rules and coerces the <c>variables</c> to the operation's types.
/// </summary>
internal sealed class FakePrefectSchema
{
    private static readonly string[] ServerFiles =
    [
        "schema", "scalars", "agents", "artifacts", "flows", "logs", "messages", "projects", "runs", "states", "tenants",
    ];

    private static readonly GraphQLSerializer Serializer = new();

    private readonly Schema schema;

    private FakePrefectSchema(Schema schema) => this.schema = schema;

    /// <summary>Builds the schema of a backend mode.</summary>
    /// <param name="cloud">Whether to add the Cloud-only parts.</param>
    /// <returns>The schema.</returns>
    public static FakePrefectSchema Create(bool cloud)
    {
        var parts = ServerFiles.Select(name => ReadResource(name + ".graphql")).ToList();
        parts.Add(ReadResource("hasura-subset.graphql"));
        if (cloud)
        {
            // Prefect Cloud infers the tenant of a legacy agent token, and the original agent sends tenant_id null.
            for (var i = 0; i < parts.Count; i++)
            {
                parts[i] = parts[i].Replace("input get_runs_in_queue_input {\n  tenant_id: UUID!", "input get_runs_in_queue_input {\n  tenant_id: UUID", StringComparison.Ordinal);
            }

            parts.Add(ReadResource("cloud-subset.graphql"));
        }

        var schema = Schema.For(string.Join("\n", parts));
        schema.RegisterType(FakeStringScalarGraphType.Uuid("UUID"));
        schema.RegisterType(FakeStringScalarGraphType.Uuid("uuid"));
        schema.RegisterType(FakeStringScalarGraphType.DateTime("DateTime"));
        schema.RegisterType(FakeStringScalarGraphType.DateTime("timestamptz"));
        schema.RegisterType(new FakeJsonGraphType("JSON"));
        schema.RegisterType(new FakeJsonGraphType("jsonb"));
        schema.Initialize();
        return new FakePrefectSchema(schema);
    }

    /// <summary>Parses and validates a request.</summary>
    /// <param name="query">The GraphQL text.</param>
    /// <param name="variablesJson">The variables JSON (the decoded <c>variables</c> string).</param>
    /// <returns>The document and operation, or the errors (code and message each).</returns>
    public async Task<(GraphQLDocument? Document, GraphQLOperationDefinition? Operation, IReadOnlyList<(string Code, string Message)> Errors)> ValidateAsync(string query, string variablesJson)
    {
        GraphQLDocument document;
        try
        {
            document = GraphQLParser.Parser.Parse(query);
        }
        catch (GraphQLSyntaxErrorException ex)
        {
            return (null, null, [("GRAPHQL_PARSE_FAILED", "Syntax Error: " + ex.Description)]);
        }

        var operations = document.Definitions.OfType<GraphQLOperationDefinition>().ToList();
        if (operations.Count != 1)
        {
            return (null, null, [("GRAPHQL_VALIDATION_FAILED", $"Expected exactly one operation, found {operations.Count}.")]);
        }

        Inputs variables;
        try
        {
            variables = Serializer.Deserialize<Inputs>(variablesJson) ?? Inputs.Empty;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or NotSupportedException)
        {
            return (null, null, [("BAD_USER_INPUT", "The variables string is not a JSON object: " + ex.Message)]);
        }

        var result = await new DocumentValidator().ValidateAsync(new ValidationOptions
        {
            Schema = schema,
            Document = document,
            Operation = operations[0],
            Rules = DocumentValidator.CoreRules,
            Variables = variables,
            Extensions = Inputs.Empty,
        }).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return (document, operations[0], result.Errors.Select(e => (e.Code == "INVALID_VALUE" ? "BAD_USER_INPUT" : "GRAPHQL_VALIDATION_FAILED", (e.Code ?? "INVALID") + ": " + e.Message)).ToList());
        }

        return (document, operations[0], []);
    }

    private static string ReadResource(string fileName)
    {
        var name = "Prefect.Agent.Fargate.Testing.Schema." + fileName;
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded schema file '{name}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
