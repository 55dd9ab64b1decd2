namespace Flujo.Durable.Tests.Support;

/// <summary>Waiting for something a running orchestration will do.</summary>
public static class Poll
{
    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/> holds for its value; returns that value.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The condition did not hold within {seconds} s.");
            await Task.Delay(25);
        }
    }
}
