using Flujo.Agents.Chat;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Agents.Transcripts;

public static class TranscriptServiceCollectionExtensions
{
    /// <summary>
    /// Records the model calls of this host to <paramref name="path"/> (<see cref="TranscriptMode.Record"/>: the file is
    /// written when the service provider is disposed, i.e. when the host stops), or answers them from it
    /// (<see cref="TranscriptMode.Replay"/>: no connection or network is used; the file is read here, so a missing or
    /// unreadable file fails at startup). Decorates
    /// the registered <see cref="IChatClientProvider"/>, so call it after <c>AddFlujoChat</c>; replay needs no provider.
    /// Covers the calls of the <c>chat</c> agent (clients from <see cref="IChatClientProvider"/>); clients and agents an
    /// application registers by name are its own.
    /// </summary>
    /// <exception cref="FileNotFoundException">Replay mode and the file does not exist.</exception>
    /// <exception cref="InvalidDataException">Replay mode and the file is not a transcript this version reads.</exception>
    /// <exception cref="InvalidOperationException">Record mode and no <see cref="IChatClientProvider"/> is registered.</exception>
    public static IServiceCollection AddFlujoTranscript(this IServiceCollection services, TranscriptMode mode, string path)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        var existing = services.LastOrDefault(d => d.ServiceType == typeof(IChatClientProvider) && !d.IsKeyedService);
        if (existing is not null) services.Remove(existing);

        switch (mode)
        {
            case TranscriptMode.Record:
                if (existing is null)
                    throw new InvalidOperationException("AddFlujoTranscript(Record) records the calls of the registered IChatClientProvider: call AddFlujoChat(configuration) first.");
                services.AddSingleton(_ => new TranscriptRecorder(full));
                services.AddSingleton<IChatClientProvider>(sp => new TranscriptChatClientProvider(Create(existing, sp), sp.GetRequiredService<TranscriptRecorder>()));
                break;
            case TranscriptMode.Replay:
                var player = TranscriptPlayer.Load(full);
                services.AddSingleton(player);
                services.AddSingleton<IChatClientProvider>(new TranscriptChatClientProvider(player));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, $"The value for mode must be {nameof(TranscriptMode.Record)} or {nameof(TranscriptMode.Replay)}.");
        }
        return services;
    }

    private static IChatClientProvider Create(ServiceDescriptor descriptor, IServiceProvider services)
    {
        if (descriptor.ImplementationInstance is IChatClientProvider instance) return instance;
        if (descriptor.ImplementationFactory is { } factory) return (IChatClientProvider)factory(services);
        return (IChatClientProvider)ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);
    }
}
