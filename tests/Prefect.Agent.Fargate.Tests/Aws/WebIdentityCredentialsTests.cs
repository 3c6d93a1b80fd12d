using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Prefect.Agent.Fargate.Aws;

namespace Prefect.Agent.Fargate.Tests.Aws;

/// <summary>
/// Web-identity credentials (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN: EKS IRSA, GitHub OIDC) through the agent's
/// default credential path, against a local STS stand-in on 127.0.0.1 (AWS_ENDPOINT_URL_STS). The SDK calls STS through
/// AWSSDK.SecurityToken, which it loads by reflection: without the package reference this path fails.
/// </summary>
[Collection("ProcessEnvironment")]
public sealed class WebIdentityCredentialsTests : IAsyncDisposable
{
    private const string RoleArn = "arn:aws:iam::123456789012:role/prefect-agent";
    private const string Token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6cHJlZmVjdDphZ2VudCJ9.c2lnbmF0dXJl";

    private static readonly string[] Variables =
    [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
        "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL", "AWS_EC2_METADATA_DISABLED", "AWS_REGION",
    ];

    private readonly Dictionary<string, string?> saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private readonly string directory = Directory.CreateTempSubdirectory("prefect-web-identity-").FullName;
    private readonly HttpListener listener = new();
    private readonly ConcurrentQueue<(string Method, string Path, string Body)> requests = new();
    private readonly Task serving;
    private int status = 200;

    public WebIdentityCredentialsTests()
    {
        var port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        serving = ServeAsync();
        foreach (var variable in Variables)
        {
            Environment.SetEnvironmentVariable(variable, null);
        }

        // Never the developer's own ~/.aws files, no instance metadata.
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", Path.Combine(directory, "config"));
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(directory, "credentials"));
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        Environment.SetEnvironmentVariable("AWS_REGION", "eu-west-1");
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_STS", $"http://127.0.0.1:{port}");
        var tokenFile = Path.Combine(directory, "token");
        File.WriteAllText(tokenFile, Token);
        Environment.SetEnvironmentVariable("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile);
        Environment.SetEnvironmentVariable("AWS_ROLE_ARN", RoleArn);
        Environment.SetEnvironmentVariable("AWS_ROLE_SESSION_NAME", "prefect-agent-test");
        Amazon.Runtime.Internal.FallbackInternalConfigurationFactory.Reset();
    }

    [Fact]
    public async Task DefaultCredentials_WebIdentityVariables_AssumeTheRoleThroughStsWithTheToken()
    {
        var credentials = AwsCredentialResolver.Resolve(new AgentOptions());

        var resolved = await credentials.GetCredentialsAsync();

        Assert.Equal(("ASIAWEBIDENTITY1", "web-identity-secret", "web-identity-session-token"), (resolved.AccessKey, resolved.SecretKey, resolved.Token));
        var call = Assert.Single(requests);
        Assert.Equal(("POST", "/"), (call.Method, call.Path));
        var form = Form(call.Body);
        Assert.Equal("AssumeRoleWithWebIdentity", form["Action"]);
        Assert.Equal(RoleArn, form["RoleArn"]);
        Assert.Equal(Token, form["WebIdentityToken"]);
        Assert.Equal("prefect-agent-test", form["RoleSessionName"]);
    }

    [Fact]
    public async Task DefaultCredentials_StsRefusesTheToken_FailsNamingTheRefusal()
    {
        status = 403;
        var credentials = AwsCredentialResolver.Resolve(new AgentOptions());

        var error = await Assert.ThrowsAnyAsync<Exception>(() => credentials.GetCredentialsAsync());

        Assert.Contains("Not authorized to perform sts:AssumeRoleWithWebIdentity", error.ToString(), StringComparison.Ordinal);
        Assert.NotEmpty(requests);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (variable, value) in saved)
        {
            Environment.SetEnvironmentVariable(variable, value);
        }

        Amazon.Runtime.Internal.FallbackInternalConfigurationFactory.Reset();
        listener.Stop();
        listener.Close();
        await serving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Directory.Delete(directory, recursive: true);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private static Dictionary<string, string> Form(string body) =>
        body.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => WebUtility.UrlDecode(p[0]), p => WebUtility.UrlDecode(p.Length > 1 ? p[1] : string.Empty), StringComparer.Ordinal);

    // AssumeRoleWithWebIdentity over the AWS Query protocol: a form POST answered with XML.
    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            requests.Enqueue((context.Request.HttpMethod, context.Request.Url!.AbsolutePath, await reader.ReadToEndAsync()));
            var expiration = TimeProvider.System.GetUtcNow().UtcDateTime.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
            var xml = status == 200
                ? $"""
                  <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                    <AssumeRoleWithWebIdentityResult>
                      <SubjectFromWebIdentityToken>system:serviceaccount:prefect:agent</SubjectFromWebIdentityToken>
                      <Audience>sts.amazonaws.com</Audience>
                      <AssumedRoleUser>
                        <Arn>arn:aws:sts::123456789012:assumed-role/prefect-agent/prefect-agent-test</Arn>
                        <AssumedRoleId>AROAEXAMPLE:prefect-agent-test</AssumedRoleId>
                      </AssumedRoleUser>
                      <Credentials>
                        <SessionToken>web-identity-session-token</SessionToken>
                        <SecretAccessKey>web-identity-secret</SecretAccessKey>
                        <Expiration>{expiration}</Expiration>
                        <AccessKeyId>ASIAWEBIDENTITY1</AccessKeyId>
                      </Credentials>
                      <Provider>oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE</Provider>
                    </AssumeRoleWithWebIdentityResult>
                    <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
                  </AssumeRoleWithWebIdentityResponse>
                  """
                : """
                  <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                    <Error><Type>Sender</Type><Code>AccessDenied</Code><Message>Not authorized to perform sts:AssumeRoleWithWebIdentity</Message></Error>
                    <RequestId>d6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
                  </ErrorResponse>
                  """;
            var bytes = Encoding.UTF8.GetBytes(xml);
            context.Response.StatusCode = status;
            context.Response.ContentType = "text/xml";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}
