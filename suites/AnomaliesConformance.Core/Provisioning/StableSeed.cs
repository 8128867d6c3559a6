namespace AnomaliesConformance.Core.Provisioning;

/// <summary>A per-test seed derived from the run seed and the test's name (string.GetHashCode is randomised per process).</summary>
public static class StableSeed
{
    public static int For(int runSeed, string name)
    {
        unchecked
        {
            uint hash = 2166136261;
            foreach (var c in name)
            {
                hash = (hash ^ c) * 16777619;
            }

            return (int)(hash ^ (uint)runSeed) & int.MaxValue;
        }
    }
}
