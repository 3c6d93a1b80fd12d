using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Prefect.Agent.Fargate;

/// <summary>
/// Options of a <see cref="FargateAgent"/>: a .NET-named counterpart of every constructor argument of Prefect 0.15's
/// Python <c>FargateAgent</c>, the backend connection it read from the Prefect config, and what a .NET host expects.
/// </summary>
/// <remarks>
/// A property left unset (<see langword="null"/>, or an empty list or dictionary where the original treated it as
/// falsy) falls back to the same environment variable the original read; see <c>docs/environment.md</c> and
/// <c>AgentEnvironment</c>. The agent takes a snapshot of the options when it is constructed.
/// </remarks>
public sealed class AgentOptions
{
    /// <summary>The poll intervals of the original agent: 0.25, 0.5, 1, 2, 4, 8 and 10 seconds.</summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultPollIntervals =
    [
        TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2),
        TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(10),
    ];

    // ---- The original's constructor arguments -------------------------------------------------------------------

    /// <summary>Gets or sets the agent configuration id sent when registering (<c>agent_config_id</c>).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? AgentConfigId { get; set; }

    /// <summary>Gets or sets the agent name (<c>name</c>); falls back to <c>PREFECT__CLOUD__AGENT__NAME</c>, then <c>agent</c>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Name { get; set; }

    /// <summary>Gets or sets the labels (<c>labels</c>); when empty, falls back to <c>PREFECT__CLOUD__AGENT__LABELS</c>.</summary>
    /// <value>The default value is an empty list.</value>
    public IList<string> Labels { get; set; } = new List<string>();

    /// <summary>
    /// Gets or sets environment variables added to every flow container (<c>env_vars</c>); when empty, falls back to
    /// <c>PREFECT__CLOUD__AGENT__ENV_VARS</c>.
    /// </summary>
    /// <value>The default value is an empty dictionary.</value>
    public IDictionary<string, string> EnvVars { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the number of polls before the agent stops (<c>max_polls</c>); <see langword="null"/> polls forever.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [NotNegative(Fix = "Use null to poll forever, 0 to never poll, or a positive count.")]
    public int? MaxPolls { get; set; }

    /// <summary>
    /// Gets or sets the address of the health endpoint (<c>agent_address</c>), e.g. <c>http://127.0.0.1:8080</c>;
    /// falls back to <c>PREFECT__CLOUD__AGENT__AGENT_ADDRESS</c>. Empty: no endpoint.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? AgentAddress { get; set; }

    /// <summary>
    /// Gets or sets whether flow runs are told not to send their logs to the backend (<c>no_cloud_logs</c>);
    /// <see langword="null"/> falls back to <c>PREFECT__CLOUD__SEND_FLOW_RUN_LOGS</c> (default: send).
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public bool? NoCloudLogs { get; set; }

    /// <summary>
    /// Gets or sets the ECS launch type (<c>launch_type</c>), e.g. <c>FARGATE</c> or <c>EC2</c>. Empty or
    /// <see langword="null"/>: neither <c>requiresCompatibilities</c> nor <c>launchType</c> is sent.
    /// </summary>
    /// <value>The default value is <c>FARGATE</c>.</value>
    public string? LaunchType { get; set; } = "FARGATE";

    /// <summary>Gets or sets the AWS access key id (<c>aws_access_key_id</c>); falls back to <c>AWS_ACCESS_KEY_ID</c>, then the default chain.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? AwsAccessKeyId { get; set; }

    /// <summary>Gets or sets the AWS secret access key (<c>aws_secret_access_key</c>); falls back to <c>AWS_SECRET_ACCESS_KEY</c>. Never logged.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? AwsSecretAccessKey { get; set; }

    /// <summary>Gets or sets the AWS session token (<c>aws_session_token</c>); falls back to <c>AWS_SESSION_TOKEN</c>. Never logged.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? AwsSessionToken { get; set; }

    /// <summary>
    /// Gets or sets AWS credentials as an SDK object (e.g. from <c>AWSOptions</c> of the host); used when no access key
    /// is given. <see langword="null"/>: the SDK's default credential chain.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Amazon.Runtime.AWSCredentials? AwsCredentials { get; set; }

    /// <summary>
    /// Gets or sets the AWS region (<c>region_name</c>); falls back to <c>REGION_NAME</c>, then <c>AWS_REGION</c>,
    /// <c>AWS_DEFAULT_REGION</c> and the profile.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? RegionName { get; set; }

    /// <summary>Gets or sets retries, timeouts and connection limits of the AWS clients (<c>botocore_config</c>).</summary>
    /// <value>The default value is a <see cref="Fargate.BotocoreConfig"/> with its defaults.</value>
    public BotocoreConfig BotocoreConfig { get; set; } = new();

    /// <summary>
    /// Gets or sets whether task-definition families are named after the flow and versioned with tags
    /// (<c>enable_task_revisions</c>).
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool EnableTaskRevisions { get; set; }

    /// <summary>Gets or sets whether per-flow kwargs are read from S3 (<c>use_external_kwargs</c>).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool UseExternalKwargs { get; set; }

    /// <summary>Gets or sets the S3 bucket of the external kwargs (<c>external_kwargs_s3_bucket</c>).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ExternalKwargsS3Bucket { get; set; }

    /// <summary>Gets or sets the S3 key prefix of the external kwargs (<c>external_kwargs_s3_key</c>).</summary>
    /// <value>The default value is <see langword="null"/> (no prefix).</value>
    public string? ExternalKwargsS3Key { get; set; }

    /// <summary>
    /// Gets or sets the pass-through settings of RegisterTaskDefinition, RunTask and the container definition
    /// (the original's <c>**kwargs</c>), e.g. <c>cpu</c>, <c>memory</c>, <c>cluster</c>, <c>networkConfiguration</c>,
    /// <c>containerDefinitions</c>. A string value is read as a Python literal or JSON when it is one, as the original did.
    /// Keys left out fall back to the environment variable of the same name.
    /// </summary>
    /// <value>The default value is an empty dictionary.</value>
    public IDictionary<string, JsonNode?> Kwargs { get; set; } = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);

    // ---- The backend connection (the original's Prefect config) -------------------------------------------------

    /// <summary>
    /// Gets or sets the Prefect API URL (<c>PREFECT__CLOUD__API</c>); <see langword="null"/>: the backend's default
    /// (<c>http://localhost:4200</c> for server, <c>https://api.prefect.io</c> for cloud).
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Uri? ApiUrl { get; set; }

    /// <summary>Gets or sets the backend kind (<c>PREFECT__BACKEND</c>).</summary>
    /// <value>The default value is <see langword="null"/>: <c>PREFECT__BACKEND</c>, else <see cref="PrefectBackend.Cloud"/> as in Prefect 0.15.</value>
    public PrefectBackend? Backend { get; set; }

    /// <summary>Gets or sets the Prefect Cloud API key (<c>PREFECT__CLOUD__API_KEY</c>, CLI <c>--key</c>). Never logged.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the Prefect tenant id (<c>PREFECT__CLOUD__TENANT_ID</c>, CLI <c>--tenant-id</c>).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? TenantId { get; set; }

    /// <summary>Gets or sets the legacy RUNNER agent token (<c>PREFECT__CLOUD__AGENT__AUTH_TOKEN</c>, CLI <c>--token</c>). Never logged.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? AgentToken { get; set; }

    /// <summary>Gets or sets the timeout of one Prefect API request.</summary>
    /// <value>The default value is 15 seconds (the original's <c>cloud.request_timeout</c>).</value>
    [GreaterThanZero(Fix = "Use a positive duration such as 00:00:15.")]
    public TimeSpan ApiRequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets the Prefect logging level given to flow containers (<c>PREFECT__LOGGING__LEVEL</c>).</summary>
    /// <value>The default value is <see langword="null"/> (environment, else <c>INFO</c>).</value>
    public string? FlowLoggingLevel { get; set; }

    // ---- What a .NET host expects --------------------------------------------------------------------------------

    /// <summary>
    /// Gets or sets the back-off schedule of the poll loop: the agent waits the first interval after a poll that found
    /// work and moves one step down the list after each poll that found none.
    /// </summary>
    /// <value>The default value is <see cref="DefaultPollIntervals"/>.</value>
    public IList<TimeSpan> PollIntervals { get; set; } = new List<TimeSpan>(DefaultPollIntervals);

    /// <summary>Gets or sets the maximum number of flow runs deployed at the same time.</summary>
    /// <remarks>
    /// The poll loop claims a page's runs while the previous page launches, so up to <c>min(MaxConcurrentDeployments, 25)</c>
    /// runs may be claimed (Submitted) ahead of the slots; each waits for the next free slot, at most for the launch
    /// attempts of the runs in the slots (a retry's back-off gives its slot back), and the drain waits for it. A run whose
    /// task definition is not ready yet (its registration held back by the register bucket) waits for it without its
    /// slot, among the runs claimed ahead, so that runs of flows already registered launch meanwhile.
    /// </remarks>
    /// <value>The default value is 32 (the original's thread-pool ceiling).</value>
    [GreaterThanZero(Fix = "Use a positive number such as 32.")]
    public int MaxConcurrentDeployments { get; set; } = 32;

    /// <summary>Gets or sets how long stopping waits for in-flight deployments before cancelling them.</summary>
    /// <value>The default value is 30 seconds.</value>
    [NotNegative(Fix = "Use a duration of zero or more, such as 00:00:30.")]
    public TimeSpan ShutdownDrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how often the task watch checks the tasks the agent launched: one <c>DescribeTasks</c> per cluster
    /// per 100 tasks and one backend query for all their runs, each interval. A task that stopped while its run is still
    /// Submitted marks the run Failed with ECS's reason; a run cancelled before its flow started gets its task stopped.
    /// <see cref="TimeSpan.Zero"/> turns the watch off (CLI <c>task_watch_interval=SECONDS</c>).
    /// </summary>
    /// <value>The default value is 5 seconds.</value>
    [NotNegative(Fix = "Use a duration of zero (off) or more, such as 00:00:05.")]
    public TimeSpan TaskWatchInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how long the task watch follows a task whose run stays Submitted before it stops following it (the
    /// flow runner is then slow to report, or the run is left to Prefect's Lazarus). CLI <c>task_watch_timeout=SECONDS</c>.
    /// </summary>
    /// <value>The default value is 15 minutes.</value>
    [GreaterThanZero(Fix = "Use a positive duration such as 00:15:00.")]
    public TimeSpan TaskWatchTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Gets or sets how long a run that the agent serves must have been seen Submitted, without being deployed by this
    /// agent, before the reconciler looks for its task (and launches it again, with the same clientToken, when it has
    /// none). CLI <c>reconcile_after=SECONDS</c>.
    /// </summary>
    /// <value>The default value is 2 minutes.</value>
    [GreaterThanZero(Fix = "Use a positive duration, longer than a deployment takes, such as 00:02:00.")]
    public TimeSpan ReconcileAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Gets or sets how often the reconciler looks for Submitted runs without a task (it also looks once at start).
    /// <see cref="TimeSpan.Zero"/> turns reconciliation off (CLI <c>reconcile_interval=SECONDS</c>).
    /// </summary>
    /// <value>The default value is 1 minute.</value>
    [NotNegative(Fix = "Use a duration of zero (off) or more, such as 00:01:00.")]
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets how long the agent keeps retrying the deployment of a claimed run after transient faults (throttling,
    /// HTTP 5xx, timeouts, connection failures), with exponential back-off and jitter, before marking it Failed.
    /// Zero retries nothing. Runs stay in flight (never claimed twice) but hold no deployment slot while they wait.
    /// </summary>
    /// <value>The default value is 10 minutes (about the time Prefect's Lazarus gives a Submitted run).</value>
    [NotNegative(Fix = "Use a duration of zero or more, such as 00:10:00.")]
    public TimeSpan DeploymentRetryTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Gets or sets how many times the agent retries a launch that ECS could not place (RunTask failures
    /// <c>RESOURCE:CPU</c>, <c>RESOURCE:MEMORY</c>, <c>RESOURCE:PORTS</c>, <c>AGENT</c>, "Capacity is unavailable at
    /// this time"), within <see cref="DeploymentRetryTimeout"/>. Zero fails such a run at once.
    /// </summary>
    /// <value>The default value is 3.</value>
    [NotNegative(Fix = "Use a whole number of zero or more, such as 3.")]
    public int CapacityRetries { get; set; } = 3;

    /// <summary>
    /// Gets or sets whether an existing task definition is reused as is, even when it differs from what the agent
    /// would register now (the original's behaviour). When <see langword="false"/>, a drifted definition gets a new
    /// revision in the same family.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ReuseExistingTaskDefinitions { get; set; }

    /// <summary>
    /// Gets or sets whether the agent learns the existing task-definition families with one
    /// <c>ListTaskDefinitionFamilies</c> call, so that a new flow's family is registered without a
    /// <c>DescribeTaskDefinition</c> first. Turn it off when the agent's IAM policy does not allow
    /// <c>ecs:ListTaskDefinitionFamilies</c>: each new family is then described first, as the original did, and the
    /// warning logged when the listing is refused goes away.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool ListTaskDefinitionFamilies { get; set; } = true;

    /// <summary>
    /// Gets or sets the ARN of a Secrets Manager secret or SSM parameter holding the Prefect API key. When set, flow
    /// containers get <c>PREFECT__CLOUD__API_KEY</c> as an ECS <c>secrets</c> entry instead of plain text.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ApiKeySecretArn { get; set; }

    /// <summary>Gets or sets the ECS endpoint; <see langword="null"/>: <c>AWS_ENDPOINT_URL_ECS</c>, <c>AWS_ENDPOINT_URL</c>, the profile, else the regional endpoint.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Uri? EcsServiceUrl { get; set; }

    /// <summary>Gets or sets the Resource Groups Tagging API endpoint; <see langword="null"/>: <c>AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API</c>, <c>AWS_ENDPOINT_URL</c>, else the regional one.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Uri? TaggingServiceUrl { get; set; }

    /// <summary>Gets or sets the S3 endpoint; <see langword="null"/>: <c>AWS_ENDPOINT_URL_S3</c>, <c>AWS_ENDPOINT_URL</c>, else the regional one.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Uri? S3ServiceUrl { get; set; }

    /// <summary>Gets or sets whether S3 is addressed path-style (needed by most S3-compatible servers).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool S3ForcePathStyle { get; set; }

    /// <summary>Gets or sets the client-side ECS rate limits (AWS's published defaults; raise them with your quotas).</summary>
    /// <value>The default value is an <see cref="EcsRateLimitOptions"/> with AWS's defaults.</value>
    public EcsRateLimitOptions EcsRateLimits { get; set; } = new();

    /// <summary>
    /// Gets or sets what a host does when this agent stops with a fatal error (used by <c>AddFargateAgent</c> only):
    /// stop the host with a non-zero exit code, or log and keep the host running (the health check reports Unhealthy).
    /// </summary>
    /// <value>The default value is <see cref="FatalErrorBehavior.StopHost"/>.</value>
    public FatalErrorBehavior OnFatalError { get; set; }

    /// <summary>Gets or sets the logger factory used when the agent is not created by dependency injection.</summary>
    /// <value>The default value is <see cref="NullLoggerFactory.Instance"/>.</value>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>
    /// Gets or sets the factory of the agent's <see cref="Meter"/>; <see langword="null"/>: a meter of its own. Dependency
    /// injection fills it from the container when unset.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>Gets or sets the clock of the agent (tests pass a fake one).</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
