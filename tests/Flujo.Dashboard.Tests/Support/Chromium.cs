namespace Flujo.Dashboard.Tests.Support;

/// <summary>The Debian Chromium the tests drive (the Playwright browser download cannot work on these machines).</summary>
public static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    public static bool IsInstalled => File.Exists(Path);

    public const string MissingMessage =
        "Chromium is not installed at " + Path + ": the dashboard's browser tests need it (apt-get install chromium; .ci/run installs it).";
}

/// <summary>A test that needs <see cref="Chromium"/>: skipped, saying why, when it is not installed.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!Chromium.IsInstalled) Skip = Chromium.MissingMessage;
    }
}
