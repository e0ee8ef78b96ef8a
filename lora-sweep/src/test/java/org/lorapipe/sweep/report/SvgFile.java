package org.lorapipe.sweep.report;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** A rendered SVG parsed as XML (which fails on anything not well-formed), with the counts tests need. */
record SvgFile(Document doc) {

    static SvgFile parse(byte[] svg) {
        try {
            Document doc =
                    DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(svg));
            if (!doc.getDocumentElement().getTagName().equals("svg")) {
                throw new AssertionError(
                        "not an svg: " + doc.getDocumentElement().getTagName());
            }
            return new SvgFile(doc);
        } catch (Exception e) {
            throw new AssertionError("not well-formed XML: " + e.getMessage(), e);
        }
    }

    List<Element> elements(String tag) {
        NodeList nodes = doc.getElementsByTagName(tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    long count(String tag, String cssClass) {
        return elements(tag).stream()
                .filter(e -> e.getAttribute("class").equals(cssClass))
                .count();
    }

    List<String> texts() {
        return elements("text").stream().map(Element::getTextContent).toList();
    }
}
