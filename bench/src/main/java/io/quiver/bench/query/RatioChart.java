package io.quiver.bench.query;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Draws the per-query Quiver/DuckDB hot-time ratios as a bar chart on a log2 axis (1x in the
 * middle), with lines at the 0.7x geometric-mean target and the 2x per-query limit. Headless AWT.
 */
final class RatioChart {
    record Bar(String label, double ratio) {}

    private RatioChart() {
    }

    static void write(Path file, String title, List<Bar> bars, double geomean) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int left = 70;
        int right = 30;
        int top = 60;
        int bottom = 70;
        int barWidth = 26;
        int width = left + right + Math.max(1, bars.size()) * barWidth;
        int height = 520;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            double lowest = -4; // 1/16x
            double highest = 3; // 8x
            for (Bar b : bars) {
                double l = Math.log(Math.max(b.ratio(), 1e-6)) / Math.log(2);
                lowest = Math.min(lowest, Math.floor(l));
                highest = Math.max(highest, Math.ceil(l));
            }
            double minLog = lowest;
            double maxLog = highest;
            int plotH = height - top - bottom;
            double span = maxLog - minLog;
            java.util.function.DoubleToIntFunction y = r -> top + (int) Math.round((maxLog - Math.log(r) / Math.log(2)) / span * plotH);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (double l = minLog; l <= maxLog; l++) {
                int yy = y.applyAsInt(Math.pow(2, l));
                g.setColor(new Color(230, 230, 230));
                g.drawLine(left, yy, width - right, yy);
                g.setColor(Color.DARK_GRAY);
                String label = l >= 0 ? (int) Math.pow(2, l) + "x" : "1/" + (int) Math.pow(2, -l) + "x";
                g.drawString(label, 8, yy + 4);
            }
            int one = y.applyAsInt(1);
            for (int i = 0; i < bars.size(); i++) {
                Bar b = bars.get(i);
                int x = left + i * barWidth + 4;
                int yy = y.applyAsInt(Math.max(b.ratio(), 1e-6));
                g.setColor(b.ratio() > 2 ? new Color(200, 60, 50) : b.ratio() > 1 ? new Color(235, 160, 40) : new Color(60, 140, 80));
                g.fillRect(x, Math.min(yy, one), barWidth - 8, Math.max(1, Math.abs(one - yy)));
                g.setColor(Color.DARK_GRAY);
                Graphics2D rotated = (Graphics2D) g.create();
                rotated.rotate(-Math.PI / 2, x + 10, height - bottom + 40);
                rotated.drawString(b.label(), x - 10, height - bottom + 44);
                rotated.dispose();
            }
            g.setStroke(new BasicStroke(1.5f));
            g.setColor(Color.BLACK);
            g.drawLine(left, one, width - right, one);
            line(g, y.applyAsInt(0.7), left, width - right, new Color(60, 140, 80), "target geomean 0.7x");
            line(g, y.applyAsInt(2.0), left, width - right, new Color(200, 60, 50), "limit 2x");
            line(g, y.applyAsInt(geomean), left, width - right, new Color(40, 80, 200), String.format("geomean %.2fx", geomean));
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, left, 30);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.drawString("hot time ratio Quiver / DuckDB per query (log scale; below 1x Quiver is faster)", left, 48);
        } finally {
            g.dispose();
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    private static void line(Graphics2D g, int y, int x0, int x1, Color c, String label) {
        g.setColor(c);
        g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{6f, 4f}, 0f));
        g.drawLine(x0, y, x1, y);
        g.drawString(label, x1 - 140, y - 4);
        g.setStroke(new BasicStroke(1f));
    }
}
