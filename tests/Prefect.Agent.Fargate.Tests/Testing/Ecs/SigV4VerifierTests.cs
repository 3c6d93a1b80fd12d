using System.Text;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Prefect.Agent.Fargate.Testing.Ecs;

namespace Prefect.Agent.Fargate.Tests.Testing.Ecs;

public sealed class SigV4VerifierTests
{
    private const string Body = "{\"taskDefinition\":\"prefect-task-1a2b3c4d\",\"include\":[\"TAGS\"]}";
    private static readonly DateTime SignedAt = new(2026, 11, 27, 17, 59, 47, DateTimeKind.Utc);

    /// <summary>Signs a request with the AWS SDK's own signer at a fixed time: the known vector.</summary>
    private static Dictionary<string, string> SdkSignedHeaders(string body = Body, string secret = FakeEcs.SecretAccessKey, string region = "us-east-1")
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["host"] = "127.0.0.1:18081",
            ["content-type"] = "application/x-amz-json-1.1",
            ["x-amz-target"] = "AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition",
            ["content-length"] = Encoding.UTF8.GetByteCount(body).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var request = new AWSSigningRequest
        {
            HttpMethod = HttpMethod.Post,
            RequestUri = new Uri("http://127.0.0.1:18081/"),
            Content = Encoding.UTF8.GetBytes(body),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers[name] = value;
        }

        var signed = AWSSigV4Signer.Sign(
            request,
            new AWSSigV4Parameters
            {
                Credentials = new BasicAWSCredentials(FakeEcs.AccessKeyId, secret),
                Region = RegionEndpoint.GetBySystemName(region),
                Service = "ecs",
                SignedAt = SignedAt,
            });
        foreach (var (name, value) in signed.Headers)
        {
            headers[name.ToLowerInvariant()] = value;
        }

        return headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value, StringComparer.OrdinalIgnoreCase);
    }

    private static SigV4Result Verify(Dictionary<string, string> headers, string body = Body, string service = "ecs") =>
        SigV4Verifier.Verify("POST", "/", string.Empty, headers, Encoding.UTF8.GetBytes(body), k => k == FakeEcs.AccessKeyId ? FakeEcs.SecretAccessKey : null, "us-east-1", service);

    [Fact]
    public void Verify_SdkSignedRequest_IsValid_AndRecomputesTheSdksSignature()
    {
        var headers = SdkSignedHeaders();

        var result = Verify(headers);

        Assert.True(result.Valid, result.Message);
        Assert.Equal("20261127T175947Z", headers["x-amz-date"]);
        Assert.Contains("Credential=" + FakeEcs.AccessKeyId + "/20261127/us-east-1/ecs/aws4_request", headers["authorization"], StringComparison.Ordinal);
        var signedNames = headers["authorization"].Split("SignedHeaders=")[1].Split(',')[0].Split(';');
        var canonical = SigV4Verifier.CanonicalRequest("POST", "/", string.Empty, signedNames, headers, headers["x-amz-content-sha256"]);
        var signature = SigV4Verifier.ComputeSignature(FakeEcs.SecretAccessKey, "20261127T175947Z", "20261127", "us-east-1", "ecs", canonical);
        Assert.EndsWith("Signature=" + signature, headers["authorization"], StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_BodyChangedAfterSigning_IsInvalid()
    {
        var result = Verify(SdkSignedHeaders(), Body.Replace("1a2b3c4d", "deadbeef", StringComparison.Ordinal));

        Assert.False(result.Valid);
        Assert.Equal("InvalidSignatureException", result.ErrorCode);
    }

    [Fact]
    public void Verify_SignedHeaderChanged_IsRejectedAsSignatureMismatch()
    {
        var headers = SdkSignedHeaders();
        headers["x-amz-target"] = "AmazonEC2ContainerServiceV20141113.RunTask";

        var result = Verify(headers);

        Assert.False(result.Valid);
        Assert.Equal(403, result.StatusCode);
        Assert.StartsWith("The request signature we calculated does not match", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_WrongSecret_IsInvalid()
    {
        var result = Verify(SdkSignedHeaders(secret: "another-secret"));

        Assert.False(result.Valid);
        Assert.Equal("InvalidSignatureException", result.ErrorCode);
    }

    [Fact]
    public void Verify_UnknownAccessKey_IsUnrecognizedClient()
    {
        var result = SigV4Verifier.Verify("POST", "/", string.Empty, SdkSignedHeaders(), Encoding.UTF8.GetBytes(Body), _ => null, "us-east-1", "ecs");

        Assert.Equal("UnrecognizedClientException", result.ErrorCode);
    }

    [Fact]
    public void Verify_OtherRegionOrService_IsRejectedNamingTheScope()
    {
        var otherRegion = Verify(SdkSignedHeaders(region: "eu-west-1"));
        var otherService = Verify(SdkSignedHeaders(), service: "tagging");

        Assert.Equal(403, otherRegion.StatusCode);
        Assert.Contains("region", otherRegion.Message, StringComparison.Ordinal);
        Assert.Contains("'tagging'", otherService.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_NoAuthorization_IsMissingAuthenticationToken()
    {
        var headers = SdkSignedHeaders();
        headers.Remove("authorization");

        var result = Verify(headers);

        Assert.Equal("MissingAuthenticationTokenException", result.ErrorCode);
    }
}
