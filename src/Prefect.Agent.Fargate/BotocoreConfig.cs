namespace Prefect.Agent.Fargate;

/// <summary>
/// The typed counterpart of the original's <c>botocore_config</c> dictionary: retries, timeouts and connection
/// limits of the AWS clients (ECS, the tagging API and, unlike the original, S3).
/// </summary>
/// <remarks>
/// The original's dictionary form (<c>{"retries": {"max_attempts": 10, "mode": "standard"}, "connect_timeout": 5,
/// "read_timeout": 30, "max_pool_connections": 20}</c>) is accepted by <see cref="Parse(string)"/>.
/// </remarks>
public sealed class BotocoreConfig
{
    /// <summary>Gets or sets the total number of attempts of one AWS call, the first included.</summary>
    /// <value>The default value is 3 (the SDKs' standard mode).</value>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Gets or sets the retry mode.</summary>
    /// <value>The default value is <see cref="AwsRetryMode.Standard"/>.</value>
    public AwsRetryMode RetryMode { get; set; } = AwsRetryMode.Standard;

    /// <summary>Gets or sets the time allowed to open a connection.</summary>
    /// <value>The default value is 60 seconds (botocore's default).</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the time allowed for one attempt to receive its response.</summary>
    /// <value>The default value is 60 seconds (botocore's default).</value>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets the maximum number of connections per AWS endpoint. Like botocore's pool, it never holds a call
    /// back: the agent opens at least <see cref="AgentOptions.MaxConcurrentDeployments"/> connections.
    /// </summary>
    /// <value>The default value is 10 (botocore's default).</value>
    public int MaxPoolConnections { get; set; } = 10;

    /// <summary>
    /// Parses the original's dictionary form, as JSON or as a Python literal, e.g.
    /// <c>{'retries': {'max_attempts': 10, 'mode': 'adaptive'}, 'connect_timeout': 5}</c>.
    /// </summary>
    /// <param name="text">The dictionary text.</param>
    /// <returns>The typed configuration; keys not given keep their defaults.</returns>
    /// <exception cref="FormatException">The text is not a dictionary, or a key or value is not understood.</exception>
    public static BotocoreConfig Parse(string text) => Kwargs.BotocoreConfigParser.Parse(text);
}
