namespace Prefect.Agent.Fargate;

/// <summary>The kind of Prefect 1.x backend the agent talks to (the original's <c>PREFECT__BACKEND</c>).</summary>
public enum PrefectBackend
{
    /// <summary>A self-hosted Prefect Server (default API <c>http://localhost:4200</c>).</summary>
    Server,

    /// <summary>Prefect Cloud (default API <c>https://api.prefect.io</c>).</summary>
    Cloud,
}
