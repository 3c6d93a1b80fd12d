namespace Prefect.Agent.Fargate.Ecs.Model;

/// <summary>The problems a request body has against the API model.</summary>
internal sealed class ModelValidationResult
{
    private readonly List<string> errors = [];

    public IReadOnlyList<string> Errors => errors;

    public bool IsValid => errors.Count == 0;

    /// <summary>Gets a value indicating whether a JSON type was wrong (AWS answers <c>SerializationException</c>).</summary>
    public bool HasTypeError { get; private set; }

    /// <summary>Gets botocore's report form: <c>Parameter validation failed:</c> and one line per problem.</summary>
    public string Report => "Parameter validation failed:\n" + string.Join('\n', errors);

    public void Add(string error, bool isTypeError)
    {
        errors.Add(error);
        HasTypeError |= isTypeError;
    }
}
