namespace Flujo.Agents.Transcripts;

/// <summary>What <see cref="TranscriptServiceCollectionExtensions.AddFlujoTranscript"/> does with the model calls of a host.</summary>
public enum TranscriptMode
{
    /// <summary>Calls go to the configured connections; every request and its reply are saved to the file when the host stops.</summary>
    Record,

    /// <summary>Calls are answered from the file, with no connection and no network; a request not in the file fails its attempt.</summary>
    Replay,
}
