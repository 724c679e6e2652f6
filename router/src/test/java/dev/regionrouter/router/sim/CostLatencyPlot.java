package dev.regionrouter.router.sim;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The cost-vs-latency scatter of bench/policy-sim, drawn with Java2D (no plotting library needed).
 */
final class CostLatencyPlot {

  private static final Color[] COLORS = {
    new Color(0x222222),
    new Color(0x1b9e77),
    new Color(0x66a61e),
    new Color(0x7570b3),
    new Color(0xe7298a),
    new Color(0xd95f02),
    new Color(0xa6761d),
    new Color(0x666666)
  };

  private CostLatencyPlot() {}

  static void write(Path png, List<PolicySim.Result> results, double budgetMs, String title)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    int width = 1180;
    int height = 640;
    int left = 90;
    int right = 420;
    int top = 60;
    int bottom = 70;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);

    double maxX = budgetMs * 1.2;
    double maxY = 0;
    for (PolicySim.Result r : results) {
      maxX = Math.max(maxX, r.percentile(0.99) * 1000 * 1.08);
      maxY = Math.max(maxY, r.costPer1k() * 1.15);
    }
    double minY = 0;
    int plotW = width - left - right;
    int plotH = height - top - bottom;

    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString("Cost vs latency per policy (p50 hollow, p99 filled)", left, 28);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString(title, left, 46);
    // axes and grid
    g.setColor(new Color(0xdddddd));
    for (int i = 0; i <= 5; i++) {
      int y = top + plotH - i * plotH / 5;
      g.drawLine(left, y, left + plotW, y);
      int x = left + i * plotW / 5;
      g.drawLine(x, top, x, top + plotH);
    }
    g.setColor(Color.BLACK);
    g.drawRect(left, top, plotW, plotH);
    for (int i = 0; i <= 5; i++) {
      double yv = minY + (maxY - minY) * i / 5;
      g.drawString(
          String.format(Locale.ROOT, "%.3f", yv), left - 50, top + plotH - i * plotH / 5 + 4);
      double xv = maxX * i / 5;
      g.drawString(
          String.format(Locale.ROOT, "%.0f", xv), left + i * plotW / 5 - 10, top + plotH + 18);
    }
    g.drawString("latency (ms)", left + plotW / 2 - 35, height - 25);
    Graphics2D rotated = (Graphics2D) g.create();
    rotated.rotate(-Math.PI / 2);
    rotated.drawString("average USD per 1k tokens", -(top + plotH / 2 + 75), 25);
    rotated.dispose();
    // the budget
    int bx = left + (int) (budgetMs / maxX * plotW);
    g.setColor(new Color(0xcc0000));
    g.setStroke(
        new BasicStroke(
            1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
    g.drawLine(bx, top, bx, top + plotH);
    g.drawString(String.format(Locale.ROOT, "budget %.0f ms", budgetMs), bx + 4, top + 14);
    g.setStroke(new BasicStroke(1.5f));
    // points
    for (int i = 0; i < results.size(); i++) {
      PolicySim.Result r = results.get(i);
      Color color = COLORS[i % COLORS.length];
      int y = top + plotH - (int) ((r.costPer1k() - minY) / (maxY - minY) * plotH);
      int x50 = left + (int) (r.percentile(0.5) * 1000 / maxX * plotW);
      int x99 = left + (int) (r.percentile(0.99) * 1000 / maxX * plotW);
      g.setColor(color);
      g.drawLine(x50, y, x99, y);
      g.drawOval(x50 - 5, y - 5, 10, 10);
      g.fillOval(x99 - 6, y - 6, 12, 12);
      // legend
      int ly = top + 10 + i * 22;
      g.fillOval(left + plotW + 20, ly - 6, 12, 12);
      g.setColor(Color.BLACK);
      g.drawString(
          String.format(
              Locale.ROOT,
              "%s: %.4f, p99 %.0f ms%s",
              r.name,
              r.costPer1k(),
              r.percentile(0.99) * 1000,
              r.failed > 0 ? ", " + r.failed + " failed" : ""),
          left + plotW + 38,
          ly + 4);
    }
    g.dispose();
    ImageIO.write(image, "png", png.toFile());
  }
}
