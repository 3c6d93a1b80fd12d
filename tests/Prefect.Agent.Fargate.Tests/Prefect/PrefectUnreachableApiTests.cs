using System.Net;
using System.Net.Sockets;

namespace Prefect.Agent.Fargate.Tests.Prefect;

public sealed class PrefectUnreachableApiTests
{
    [Fact]
    public async Task RegisterAgentAsync_NothingListening_FailsNamingTheAddressAndWhereItComesFrom()
    {
        // A port that was free a moment ago: nothing listens there.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var options = new AgentOptions { ApiUrl = new Uri($"http://127.0.0.1:{port}"), Backend = PrefectBackend.Server };
        using var source = PrefectTestHelpers.Source(options);

        var ex = await Assert.ThrowsAsync<PrefectApiException>(() => source.RegisterAgentAsync(PrefectTestHelpers.Registration(), CancellationToken.None));

        Assert.Contains($"Error while contacting API at http://127.0.0.1:{port}/", ex.Message, StringComparison.Ordinal);
        Assert.Contains("PREFECT__CLOUD__API", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<HttpRequestException>(ex.InnerException);
    }
}
