using System.Text.Json;
using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Ecs.Model;
using Prefect.Agent.Fargate.Testing.Http;

namespace Prefect.Agent.Fargate.Testing.Ecs;

/// <content>Request handling: signature, faults, quotas, model validation, then the ECS semantics.</content>
public sealed partial class FakeEcs
{
    private async Task HandleAsync(LoopbackHttpContext context)
    {
        if (context.Method != "POST" || context.Path != "/")
        {
            // The ECS endpoint answers POST / only (as the fake's route did).
            context.StatusCode = context.Path == "/" ? 405 : 404;
            return;
        }

        var body = context.Body;
        var headers = context.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value, StringComparer.OrdinalIgnoreCase);
        var target = headers.GetValueOrDefault("x-amz-target") ?? string.Empty;
        var (service, operation, validator) = target.StartsWith(EcsTargetPrefix, StringComparison.Ordinal)
            ? ("ecs", target[EcsTargetPrefix.Length..], AwsModels.Ecs)
            : target.StartsWith(TaggingTargetPrefix, StringComparison.Ordinal)
                ? ("tagging", target[TaggingTargetPrefix.Length..], AwsModels.Tagging)
                : ("unknown", target, null);
        var signature = SigV4Verifier.Verify(
            context.Method, context.Path, context.Query,
            headers, body, key => key == AccessKeyId ? SecretAccessKey : null, options.Region, service);
        var receivedAt = options.TimeProvider.GetUtcNow();
        var status = 500;
        string? errorCode = null;
        try
        {
            JsonObject response;
            try
            {
                response = await ExecuteAsync(service, operation, validator, signature, body, context).ConfigureAwait(false);
            }
            catch (FakeEcsErrorException ex)
            {
                status = ex.StatusCode;
                errorCode = ex.ErrorCode;
                Write(context, ex.StatusCode, new JsonObject { ["__type"] = ex.ErrorCode, ["message"] = ex.Message });
                return;
            }

            status = 200;
            Write(context, 200, response);
        }
        catch (DroppedConnectionException)
        {
            status = 0;
            context.Abort();
        }
        finally
        {
            lock (gate)
            {
                requests.Add(new FakeEcsRequest(service, operation, System.Text.Encoding.UTF8.GetString(body), headers, signature.Valid, status, errorCode, receivedAt));
            }
        }
    }

    private async Task<JsonObject> ExecuteAsync(string service, string operation, AwsModelValidator? validator, SigV4Result signature, byte[] body, LoopbackHttpContext context)
    {
        if (validator is null || !validator.HasOperation(operation))
        {
            throw new FakeEcsErrorException(400, "UnknownOperationException", $"Unknown operation '{operation}' (X-Amz-Target).");
        }

        if (options.RequireSignature && !signature.Valid)
        {
            throw new FakeEcsErrorException(signature.StatusCode, signature.ErrorCode!, signature.Message!);
        }

        if (options.Latency > TimeSpan.Zero)
        {
            await Task.Delay(options.Latency, options.TimeProvider, context.RequestAborted).ConfigureAwait(false);
        }

        FakeEcsFault? fault;
        lock (gate)
        {
            fault = faults.TryGetValue(operation, out var queue) && queue.Count > 0 ? queue.Dequeue()
                : (randomFaults.GetValueOrDefault(operation) ?? randomFaultsOfAll)?.Next();
        }

        if (fault?.Delay is { } delay)
        {
            await Task.Delay(delay, options.TimeProvider, context.RequestAborted).ConfigureAwait(false);
        }

        if (fault?.Disconnect == true)
        {
            throw new DroppedConnectionException();
        }

        if (fault?.ErrorCode is { } faultCode)
        {
            var code = faultCode == "ThrottlingException" && service == "tagging" ? "ThrottledException" : faultCode;
            if (code is "ThrottlingException" or "ThrottledException")
            {
                Interlocked.Increment(ref throttledCount);
            }

            throw new FakeEcsErrorException(fault.StatusCode, code, fault.Message ?? code);
        }

        JsonNode? parsed;
        try
        {
            parsed = body.Length == 0 ? new JsonObject() : JsonNode.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new FakeEcsErrorException(400, "SerializationException", "The request body is not valid JSON: " + ex.Message);
        }

        if (parsed is not JsonObject request)
        {
            throw new FakeEcsErrorException(400, "SerializationException", "The request body must be a JSON object.");
        }

        if (quotas is not null && !quotas.TryAcquire(operation, request))
        {
            Interlocked.Increment(ref throttledCount);
            throw new FakeEcsErrorException(400, "ThrottlingException", "Rate exceeded");
        }

        var validation = validator.Validate(operation, request);
        if (!validation.IsValid)
        {
            throw new FakeEcsErrorException(400, validation.HasTypeError ? "SerializationException" : "InvalidParameterException", validation.Report);
        }

        JsonObject result;
        lock (gate)
        {
            result = operation switch
            {
                "RegisterTaskDefinition" => definitions.Register(request),
                "DescribeTaskDefinition" => definitions.Describe(request),
                "DeregisterTaskDefinition" => definitions.Deregister(request),
                "ListTaskDefinitions" => definitions.List(request),
                "ListTaskDefinitionFamilies" => definitions.ListFamilies(request),
                "RunTask" => tasks.Run(request, fault?.RunTaskFailureReason, fault?.RunTaskFailureDetail),
                "DescribeTasks" => tasks.Describe(request),
                "StopTask" => tasks.Stop(request),
                "ListTasks" => tasks.List(request),
                "GetResources" => definitions.GetResources(request),
                _ => throw new FakeEcsErrorException(400, "UnsupportedOperationException", $"The fake ECS does not implement {operation}."),
            };
        }

        if (fault?.LosesResponse == true)
        {
            // The call took effect; only its answer is lost (the client sees a connection error and may retry).
            throw new DroppedConnectionException();
        }

        return result;
    }

    private static void Write(LoopbackHttpContext context, int status, JsonObject body)
    {
        context.StatusCode = status;
        context.ContentType = "application/x-amz-json-1.1";
        context.ResponseHeaders["x-amzn-RequestId"] = Guid.NewGuid().ToString("D");
        context.Write(body.ToJsonString());
    }

    private sealed class DroppedConnectionException : Exception;
}
