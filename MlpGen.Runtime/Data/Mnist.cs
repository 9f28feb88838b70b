using System.IO;
using System.Numerics;

namespace MlpGen.Data;

/// <summary>Which half of an MNIST-format dataset to load.</summary>
public enum MnistSplit
{
    /// <summary>The training images, <c>train-images-idx3-ubyte</c> and <c>train-labels-idx1-ubyte</c>.</summary>
    Train,

    /// <summary>The test images, <c>t10k-images-idx3-ubyte</c> and <c>t10k-labels-idx1-ubyte</c>.</summary>
    Test,
}

/// <summary>
/// Loads MNIST-format datasets (MNIST digits, Fashion-MNIST, or any IDX image/label pair with up to
/// <see cref="ClassCount"/> classes and images of any size) from a directory.
/// </summary>
public static class Mnist
{
    /// <summary>Number of classes (digits 0–9).</summary>
    public const int ClassCount = 10;

    /// <summary>The base names of the two files of a split (each may also be stored with a .gz suffix).</summary>
    public static (string Images, string Labels) FileNames(MnistSplit split) => split == MnistSplit.Train
        ? ("train-images-idx3-ubyte", "train-labels-idx1-ubyte")
        : ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    /// <summary>Loads a split with pixels as <see cref="float"/> in [0, 1] and one-hot targets.</summary>
    public static Dataset<float> Load(string directory, MnistSplit split) => Load<float>(directory, split);

    /// <summary>Loads a split with pixels in [0, 1] (pixel / 255) and one-hot targets.</summary>
    /// <exception cref="FileNotFoundException">A file of the split is missing.</exception>
    /// <exception cref="IdxFormatException">A file is malformed, or images and labels disagree.</exception>
    public static Dataset<T> Load<T>(string directory, MnistSplit split) where T : unmanaged, IFloatingPointIeee754<T>
    {
        (string imagesName, string labelsName) = FileNames(split);
        string imagesPath = Find(directory, imagesName);
        string labelsPath = Find(directory, labelsName);

        IdxArray images = IdxReader.Read(imagesPath, dimensionCount: 3);
        IdxArray labels = IdxReader.Read(labelsPath, dimensionCount: 1);
        int count = images.Dimensions[0];
        if (labels.Dimensions[0] != count)
        {
            throw new IdxFormatException(labelsPath, 4,
                $"expected {count:N0} labels, one for each image in {Path.GetFileName(imagesPath)}, found {labels.Dimensions[0]:N0}");
        }

        var classes = new int[count];
        for (int i = 0; i < count; i++)
        {
            byte label = labels.Data[i];
            if (label >= ClassCount)
            {
                throw new IdxFormatException(labelsPath, 8 + i, $"expected a label from 0 to {ClassCount - 1} for image {i}, found {label}");
            }
            classes[i] = label;
        }

        // pixel / 255 for each of the 256 byte values, looked up per pixel.
        var scaled = new T[256];
        for (int b = 0; b < scaled.Length; b++) scaled[b] = T.CreateChecked(b) / T.CreateChecked(255);
        var pixels = new T[images.Data.Length];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = scaled[images.Data[i]];

        return Dataset<T>.FromLabels(pixels, images.Dimensions[1] * images.Dimensions[2], classes, ClassCount);
    }

    /// <summary>True when both files of both splits are in <paramref name="directory"/>, raw or gzipped.</summary>
    public static bool IsPresent(string directory)
    {
        foreach (MnistSplit split in new[] { MnistSplit.Train, MnistSplit.Test })
        {
            (string images, string labels) = FileNames(split);
            if (TryFind(directory, images) is null || TryFind(directory, labels) is null) return false;
        }
        return true;
    }

    private static string Find(string directory, string name) =>
        TryFind(directory, name) ?? throw new FileNotFoundException(
            $"Neither {name} nor {name}.gz is in {Path.GetFullPath(directory)}. Download MNIST there (MnistDownloader) or point to a directory that holds the IDX files.",
            Path.Combine(directory, name + ".gz"));

    private static string? TryFind(string directory, string name)
    {
        foreach (string candidate in new[] { name + ".gz", name })
        {
            string path = Path.Combine(directory, candidate);
            if (File.Exists(path)) return path;
        }
        return null;
    }
}
