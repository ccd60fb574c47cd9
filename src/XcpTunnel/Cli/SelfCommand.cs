namespace XcpTunnel.Cli;

/// <summary>
/// How to run this program again, for the command lines the demo prints: <c>xcptunnel</c> when that name on the
/// <c>PATH</c> is this very program, else its path (<c>./xcptunnel</c> for the repository's launcher run from the
/// clone), or <c>dotnet …/xcptunnel.dll</c> for a bare build. A printed command works as it is pasted.
/// </summary>
internal static class SelfCommand
{
    /// <summary>Set by the repository's <c>./xcptunnel</c> launcher to its own path: the program is <c>dotnet</c> then.</summary>
    public const string LauncherVariable = "XCPTUNNEL_LAUNCHER";

    private const string Name = "xcptunnel";

    public static string Current() =>
        Describe(
            Environment.GetEnvironmentVariable(LauncherVariable),
            Environment.ProcessPath,
            Path.Combine(AppContext.BaseDirectory, Name + ".dll"),
            Environment.CurrentDirectory,
            Environment.GetEnvironmentVariable("PATH"));

    internal static string Describe(string? launcher, string? processPath, string assemblyPath, string currentDirectory, string? searchPath)
    {
        var program = !string.IsNullOrEmpty(launcher) ? launcher
            : processPath is not null && !IsDotnetHost(processPath) ? processPath
            : null;
        if (program is null)
        {
            return ShellWords.Join(["dotnet", assemblyPath]);
        }

        var full = Path.GetFullPath(program, currentDirectory);
        if (FindOnPath(searchPath) is { } onPath && RealPath(onPath) == RealPath(full))
        {
            return Name;
        }

        // ./xcptunnel from the clone's root, as the README types it; a full path from anywhere else.
        var inCurrentDirectory = string.Equals(Path.GetDirectoryName(full), Path.TrimEndingDirectorySeparator(Path.GetFullPath(currentDirectory)), StringComparison.Ordinal);
        return ShellWords.Quote(inCurrentDirectory ? "./" + Path.GetFileName(full) : full);
    }

    private static bool IsDotnetHost(string processPath) =>
        string.Equals(Path.GetFileNameWithoutExtension(processPath), "dotnet", StringComparison.Ordinal);

    private static string? FindOnPath(string? searchPath) =>
        (searchPath ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, Name))
            .FirstOrDefault(File.Exists);

    private static string RealPath(string path) =>
        new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
}
