namespace Prefect.Agent.Fargate;

/// <summary>The retry mode of AWS calls, as botocore's <c>retries.mode</c>.</summary>
public enum AwsRetryMode
{
    /// <summary>botocore's legacy mode.</summary>
    Legacy,

    /// <summary>The AWS SDKs' standard mode: exponential back-off with jitter, capped at 20 s.</summary>
    Standard,

    /// <summary>Standard, plus a client-side rate limiter that slows down after throttling.</summary>
    Adaptive,
}
