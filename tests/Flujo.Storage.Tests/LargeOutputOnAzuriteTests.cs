using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Definition.Building;
using Flujo.Results;
using Flujo.Storage.Tests.Support;

namespace Flujo.Storage.Tests;

/// <summary>Large payloads on Azure Storage (messages and table properties are limited to 64 KB: the backend moves them to blobs).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class LargeOutputOnAzuriteTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task OneMegabyteStepOutput_PassesThroughTheRunIntact()
    {
        var big = BigText(1024 * 1024);
        string? seenBySecondStep = null;
        await using var engine = await StorageEngine.StartAsync(azurite, GetType(),
            ("big", _ => Task.FromResult(AgentResponse.Text(big))),
            ("hash", request =>
            {
                seenBySecondStep = request.Input!.GetValue<string>();
                return Task.FromResult(AgentResponse.Text(Sha256(seenBySecondStep)));
            }),
            ("echo-previous", request => Task.FromResult(new AgentResponse(request.Input?.DeepClone()))));
        var pipeline = new PipelineBuilder("large-on-azurite")
            .Step("produce", "big")
            .Step("digest", "hash")
            .Step("again", "echo-previous", s => s.Input("{{ steps.produce.output }}"))
            .Build();

        var result = await engine.Client.RunAsync(pipeline, JsonValue.Create("go"), timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(big, result.StepHistory[0].Output!.GetValue<string>());
        Assert.Equal(big, seenBySecondStep);
        Assert.Equal(Sha256(big), result.StepHistory[1].Output!.GetValue<string>());
        Assert.Equal(big, result.Output!.GetValue<string>());

        var snapshot = await engine.Client.GetAsync(result.RunId);
        Assert.Equal(big, snapshot!.Result!.Output!.GetValue<string>());
    }

    /// <summary>Text that does not compress to nothing: a repeatable pseudo-random mix of letters, digits and punctuation.</summary>
    private static string BigText(int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:-_/()[]{}\"'\\\n\tñé€";
        var random = new Random(42);
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++) text.Append(alphabet[random.Next(alphabet.Length)]);
        return text.ToString();
    }

    private static string Sha256(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
