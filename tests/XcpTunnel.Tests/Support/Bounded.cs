namespace XcpTunnel.Tests.Support;

/// <summary>Every await in a test is bounded, so a hang fails one test instead of stalling the run.</summary>
internal static class Bounded
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);

    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(Default);

    public static Task Within(this Task task) => task.WaitAsync(Default);

    public static Task<T> Within<T>(this ValueTask<T> task) => task.AsTask().WaitAsync(Default);

    public static Task Within(this ValueTask task) => task.AsTask().WaitAsync(Default);
}
