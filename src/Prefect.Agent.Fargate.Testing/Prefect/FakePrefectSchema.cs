using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
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
/// <remarks>
/// GraphQL.NET builds and validates schemas by reflection and runtime code generation, so a Native AOT or trimmed app
/// (the published <c>prefect-fargate-agent demo</c>) turns validation off with the <see cref="ValidationSwitch"/>
/// feature switch: requests are then only parsed, and everything else about the fake is the same.
/// </remarks>
internal sealed class FakePrefectSchema
{
    /// <summary>The feature switch (runtimeconfig / <c>RuntimeHostConfigurationOption</c>) that turns schema validation off.</summary>
    public const string ValidationSwitch = "Prefect.Agent.Fargate.Testing.FakePrefectApi.IsSchemaValidationSupported";

    private static readonly string[] ServerFiles =
    [
        "schema", "scalars", "agents", "artifacts", "flows", "logs", "messages", "projects", "runs", "states", "tenants",
    ];

    private readonly Schema? schema;

    private FakePrefectSchema(Schema? schema) => this.schema = schema;

    /// <summary>Gets a value indicating whether requests are validated against the schema (see the remarks).</summary>
    [FeatureSwitchDefinition(ValidationSwitch)]
    [FeatureGuard(typeof(RequiresDynamicCodeAttribute))]
    [FeatureGuard(typeof(RequiresUnreferencedCodeAttribute))]
    // An auto-property, as ASP.NET Core's switches: the trimmer substitutes it from the switch, and the analyzers do
    // not try to prove that an AppContext read guards reflection (they cannot, IL4000).
    public static bool IsValidationSupported { get; } =
        RuntimeFeature.IsDynamicCodeSupported && (!AppContext.TryGetSwitch(ValidationSwitch, out var enabled) || enabled);

    /// <summary>Builds the schema of a backend mode.</summary>
    /// <param name="cloud">Whether to add the Cloud-only parts.</param>
    /// <returns>The schema.</returns>
    public static FakePrefectSchema Create(bool cloud) => new(IsValidationSupported ? Build(cloud) : null);

    [RequiresUnreferencedCode("GraphQL.NET builds schemas by reflection.")]
    [RequiresDynamicCode("GraphQL.NET builds schemas with runtime code generation.")]
    private static Schema Build(bool cloud)
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
        return schema;
    }

    /// <summary>Parses a request's GraphQL text.</summary>
    /// <param name="query">The GraphQL text.</param>
    /// <returns>The document, or the syntax error.</returns>
    public static FakeParsedQuery Parse(string query)
    {
        try
        {
            return new FakeParsedQuery(GraphQLParser.Parser.Parse(query), null);
        }
        catch (GraphQLSyntaxErrorException ex)
        {
            return new FakeParsedQuery(null, ex);
        }
    }

    /// <summary>Validates a parsed request.</summary>
    /// <param name="parsed">The request's GraphQL text, parsed by <see cref="Parse"/>.</param>
    /// <param name="variables">The variables (the decoded <c>variables</c> string).</param>
    /// <returns>The operation, or the errors (code and message each).</returns>
    public async Task<(GraphQLOperationDefinition? Operation, IReadOnlyList<(string Code, string Message)> Errors)> ValidateAsync(FakeParsedQuery parsed, JsonObject variables)
    {
        if (parsed.Document is not { } document)
        {
            return (null, [("GRAPHQL_PARSE_FAILED", "Syntax Error: " + parsed.SyntaxError!.Description)]);
        }

        var operations = document.Definitions.OfType<GraphQLOperationDefinition>().ToList();
        if (operations.Count != 1)
        {
            return (null, [("GRAPHQL_VALIDATION_FAILED", $"Expected exactly one operation, found {operations.Count}.")]);
        }

        if (!IsValidationSupported || schema is null)
        {
            return (operations[0], []);
        }

        var errors = await ValidateWithSchemaAsync(schema, document, operations[0], variables.ToJsonString()).ConfigureAwait(false);
        return (operations[0], errors);
    }

    [RequiresUnreferencedCode("GraphQL.NET validates by reflection.")]
    [RequiresDynamicCode("GraphQL.NET validates with runtime code generation.")]
    private static async Task<IReadOnlyList<(string Code, string Message)>> ValidateWithSchemaAsync(
        Schema schema, GraphQLDocument document, GraphQLOperationDefinition operation, string variablesJson)
    {
        Inputs variables;
        try
        {
            variables = SerializerHolder.Serializer.Deserialize<Inputs>(variablesJson) ?? Inputs.Empty;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or NotSupportedException)
        {
            return [("BAD_USER_INPUT", "The variables string is not a JSON object: " + ex.Message)];
        }

        var result = await new DocumentValidator().ValidateAsync(new ValidationOptions
        {
            Schema = schema,
            Document = document,
            Operation = operation,
            Rules = DocumentValidator.CoreRules,
            Variables = variables,
            Extensions = Inputs.Empty,
        }).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return result.Errors.Select(e => (e.Code == "INVALID_VALUE" ? "BAD_USER_INPUT" : "GRAPHQL_VALIDATION_FAILED", (e.Code ?? "INVALID") + ": " + e.Message)).ToList();
        }

        return [];
    }

    private static string ReadResource(string fileName)
    {
        var name = "Prefect.Agent.Fargate.Testing.Schema." + fileName;
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded schema file '{name}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    // A holder, so that the serializer (reflection-based) is only created, and kept by the trimmer, with validation on.
    private static class SerializerHolder
    {
        public static readonly GraphQLSerializer Serializer = new();
    }
}
