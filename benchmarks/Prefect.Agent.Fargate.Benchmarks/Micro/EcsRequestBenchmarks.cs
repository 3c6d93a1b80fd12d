using System.Net;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Prefect.Agent.Fargate.Aws;
using Prefect.Agent.Fargate.Deployment;
using Prefect.Agent.Fargate.Ecs.Client;
using Prefect.Agent.Fargate.Kwargs;

namespace Prefect.Agent.Fargate.Benchmarks.Micro;

/// <summary>
/// One ECS call without the network: serializing the body, SigV4 signing (AWSSDK.Core's handler), the HttpClient
/// pipeline, the retry/timeout pipelines and parsing ECS's answer. The transport answers from memory.
/// </summary>
[MemoryDiagnoser]
public class EcsRequestBenchmarks
{
    private EcsClient client = null!;
    private JsonObject runTask = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new AgentOptions
        {
            RegionName = "us-east-1",
            AwsAccessKeyId = "AKIAFAKEECS000000001",
            AwsSecretAccessKey = "fake-ecs-secret-access-key/0000000000000",
            EcsServiceUrl = new Uri("http://127.0.0.1:1/"),
            TaggingServiceUrl = new Uri("http://127.0.0.1:1/"),
        };
        var settings = AwsClientSettings.Resolve(options, static _ => null, static _ => null, static _ => null);
        client = new EcsClient(settings, governor: null, logger: null, TimeProvider.System, new CannedHandler(BenchmarkData.RunTaskResponse()));
        var kwargs = BenchmarkData.AgentKwargs();
        var planner = new DeploymentPlanner(new AgentOptions { Kwargs = kwargs }, KwargsParser.Parse(kwargs, static _ => null));
        runTask = planner.Plan(Prefect.PrefectFlowRunReader.Read(BenchmarkData.FlowRunNode(7)), 3, externalKwargs: null).RunTask;
    }

    [GlobalCleanup]
    public void Cleanup() => client.Dispose();

    [Benchmark(Description = "EcsClient.RunTaskAsync: serialize + sign + send + parse (in-memory transport)")]
    public Task<JsonObject> RunTask() => client.RunTaskAsync(runTask, CancellationToken.None);

    private sealed class CannedHandler : HttpMessageHandler
    {
        private readonly byte[] body;

        public CannedHandler(byte[] body) => this.body = body;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // Read the content as the socket handler would, so its cost is not skipped.
            _ = request.Content?.ReadAsByteArrayAsync(cancellationToken);
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body), RequestMessage = request };
            response.Headers.TryAddWithoutValidation("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000");
            return Task.FromResult(response);
        }
    }
}
